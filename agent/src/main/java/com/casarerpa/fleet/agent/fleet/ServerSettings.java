package com.casarerpa.fleet.agent.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Timing the server asks for at registration (the server owns the cadence; the agent only shortens,
 * never lengthens, what it is told).
 */
public record ServerSettings(
    Duration lease,
    Duration heartbeatInterval,
    Duration offlineThreshold,
    Duration jobPollInterval,
    Duration maintenanceInterval) {

  static ServerSettings fromJson(JsonNode settings) {
    return new ServerSettings(
        seconds(settings, "lease_seconds", 60),
        seconds(settings, "heartbeat_interval_seconds", 10),
        seconds(settings, "offline_threshold_seconds", 45),
        seconds(settings, "job_poll_interval_seconds", 5),
        seconds(settings, "maintenance_interval_seconds", 5));
  }

  private static Duration seconds(JsonNode node, String field, long fallback) {
    JsonNode value = node.get(field);
    if (value == null || !value.isNumber() || value.asDouble() <= 0) {
      return Duration.ofSeconds(fallback);
    }
    return Duration.ofMillis(Math.round(value.asDouble() * 1000));
  }

  /**
   * The heartbeat period to use: the configured one, shortened to the server's, and to a third of
   * the lease so that two missed beats still leave the lease alive.
   */
  public Duration effectiveHeartbeat(Duration configured) {
    Duration result = configured;
    if (heartbeatInterval.compareTo(result) < 0) {
      result = heartbeatInterval;
    }
    Duration third = lease.dividedBy(3);
    if (third.compareTo(result) < 0) {
      result = third;
    }
    return result.compareTo(Duration.ofMillis(200)) < 0 ? Duration.ofMillis(200) : result;
  }

  /** The claim poll to use: the configured one, shortened to the server's. */
  public Duration effectivePoll(Duration configured) {
    return jobPollInterval.compareTo(configured) < 0 ? jobPollInterval : configured;
  }
}
