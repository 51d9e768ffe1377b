package com.casarerpa.fleet.devstack.realtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Limits and timeouts of the local Realtime server. Defaults follow the Supabase Realtime server
 * defaults (self-host / CLI tenant); the two error backoffs default to zero because hosted
 * Supabase's 2 s / 5 s delays only slow local development down.
 *
 * <p>Every value can be overridden with a system property {@code devstack.realtime.<name>} (see
 * {@link #fromProperties}), so tests and the benchmark can tighten or loosen them without new
 * command-line flags; {@code devstack.realtime.plan=free|pro|team|unlimited} first sets a hosted
 * plan's quotas ({@link RealtimePlan}), which the other properties may then override.
 *
 * @param idleTimeout close a socket that sent no frame for this long (Phoenix: 60 s)
 * @param maxChannelsPerClient joins beyond this on one socket fail with "Too many channels"
 * @param maxJoinsPerSecond joins per second across the stack before "Too many joins per second"
 * @param maxEventsPerSecond broadcast events per second (sends plus deliveries), averaged over a
 *     minute, before a sending channel is shut down with "Too many messages per second"
 * @param maxConcurrentUsers sockets at once before a connect is refused with 429
 * @param maxPayloadBytes largest broadcast or presence payload
 * @param presenceMaxCalls presence track/untrack messages per channel per {@code presenceWindow}
 * @param presenceWindow the window of {@code presenceMaxCalls}
 * @param maxTokenCheckInterval re-check a channel's token at least this often (Supabase: 5 min)
 * @param joinErrorBackoff delay before a join error reply (hosted Supabase: 5 s)
 * @param connectErrorBackoff delay before a refused upgrade (hosted Supabase: 2 s)
 * @param maxPendingFrames outbound frames queued for one socket before it is closed as too slow
 * @param maxPresenceEventsPerSecond presence diffs delivered per second (minute average) before a
 *     tracking channel is shut down with "Too many presence messages per second"
 * @param noChannelTimeout close a socket that had channels and has had none for this long
 */
public record RealtimeSettings(
    Duration idleTimeout,
    int maxChannelsPerClient,
    int maxJoinsPerSecond,
    int maxEventsPerSecond,
    int maxConcurrentUsers,
    int maxPayloadBytes,
    int presenceMaxCalls,
    Duration presenceWindow,
    Duration maxTokenCheckInterval,
    Duration joinErrorBackoff,
    Duration connectErrorBackoff,
    int maxPendingFrames,
    int maxPresenceEventsPerSecond,
    Duration noChannelTimeout) {
  public static final String PROPERTY_PREFIX = "devstack.realtime.";
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_CHANNELS_PER_CLIENT = 100;
  public static final int DEFAULT_MAX_JOINS_PER_SECOND = 100;
  public static final int DEFAULT_MAX_EVENTS_PER_SECOND = 100;
  public static final int DEFAULT_MAX_CONCURRENT_USERS = 200;
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 3000 * 1024;
  public static final int DEFAULT_PRESENCE_MAX_CALLS = 5;
  public static final Duration DEFAULT_PRESENCE_WINDOW = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_TOKEN_CHECK_INTERVAL = Duration.ofMinutes(5);
  public static final int DEFAULT_MAX_PENDING_FRAMES = 10_000;
  public static final int DEFAULT_MAX_PRESENCE_EVENTS_PER_SECOND = 1000;
  public static final Duration DEFAULT_NO_CHANNEL_TIMEOUT = Duration.ofMinutes(10);

  public RealtimeSettings {
    positive("idle-timeout", idleTimeout);
    positive("max-channels-per-client", maxChannelsPerClient);
    positive("max-joins-per-second", maxJoinsPerSecond);
    positive("max-events-per-second", maxEventsPerSecond);
    positive("max-concurrent-users", maxConcurrentUsers);
    positive("max-payload-bytes", maxPayloadBytes);
    positive("presence-max-calls", presenceMaxCalls);
    positive("presence-window", presenceWindow);
    positive("max-token-check-interval", maxTokenCheckInterval);
    notNegative("join-error-backoff", joinErrorBackoff);
    notNegative("connect-error-backoff", connectErrorBackoff);
    positive("max-pending-frames", maxPendingFrames);
    positive("max-presence-events-per-second", maxPresenceEventsPerSecond);
    positive("no-channel-timeout", noChannelTimeout);
  }

  public static RealtimeSettings defaults() {
    return new RealtimeSettings(
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_MAX_CHANNELS_PER_CLIENT,
        DEFAULT_MAX_JOINS_PER_SECOND,
        DEFAULT_MAX_EVENTS_PER_SECOND,
        DEFAULT_MAX_CONCURRENT_USERS,
        DEFAULT_MAX_PAYLOAD_BYTES,
        DEFAULT_PRESENCE_MAX_CALLS,
        DEFAULT_PRESENCE_WINDOW,
        DEFAULT_MAX_TOKEN_CHECK_INTERVAL,
        Duration.ZERO,
        Duration.ZERO,
        DEFAULT_MAX_PENDING_FRAMES,
        DEFAULT_MAX_PRESENCE_EVENTS_PER_SECOND,
        DEFAULT_NO_CHANNEL_TIMEOUT);
  }

  /** The defaults with every {@code devstack.realtime.<name>} system property applied. */
  public static RealtimeSettings fromSystemProperties() {
    return fromSystemProperties(null);
  }

  /**
   * Like {@link #fromSystemProperties()}, starting from {@code plan}'s quotas when it is not null
   * (a {@code devstack.realtime.plan} property wins over it).
   */
  public static RealtimeSettings fromSystemProperties(String plan) {
    Map<String, String> props = new HashMap<>();
    if (plan != null) {
      props.put("plan", plan);
    }
    System.getProperties()
        .stringPropertyNames()
        .forEach(
            name -> {
              if (name.startsWith(PROPERTY_PREFIX)) {
                props.put(name.substring(PROPERTY_PREFIX.length()), System.getProperty(name));
              }
            });
    return fromProperties(props);
  }

  /**
   * The defaults with {@code props} applied; keys are the kebab-case names ({@code idle-timeout}),
   * durations are ISO-8601 ({@code PT2S}) or milliseconds ({@code 2000}).
   *
   * @throws IllegalArgumentException naming the setting when a value is unknown or malformed
   */
  public static RealtimeSettings fromProperties(Map<String, String> props) {
    RealtimeSettings d = defaults();
    if (props.containsKey("plan")) {
      d = RealtimePlan.named(props.get("plan")).applyTo(d);
    }
    for (String key : props.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException(
            PROPERTY_PREFIX + key + " is not a Realtime setting; known: " + KNOWN);
      }
    }
    Function<String, String> get = props::get;
    return new RealtimeSettings(
        duration(get, "idle-timeout", d.idleTimeout),
        integer(get, "max-channels-per-client", d.maxChannelsPerClient),
        integer(get, "max-joins-per-second", d.maxJoinsPerSecond),
        integer(get, "max-events-per-second", d.maxEventsPerSecond),
        integer(get, "max-concurrent-users", d.maxConcurrentUsers),
        integer(get, "max-payload-bytes", d.maxPayloadBytes),
        integer(get, "presence-max-calls", d.presenceMaxCalls),
        duration(get, "presence-window", d.presenceWindow),
        duration(get, "max-token-check-interval", d.maxTokenCheckInterval),
        duration(get, "join-error-backoff", d.joinErrorBackoff),
        duration(get, "connect-error-backoff", d.connectErrorBackoff),
        integer(get, "max-pending-frames", d.maxPendingFrames),
        integer(get, "max-presence-events-per-second", d.maxPresenceEventsPerSecond),
        duration(get, "no-channel-timeout", d.noChannelTimeout));
  }

  private static final Set<String> KNOWN =
      Set.of(
          "plan",
          "idle-timeout",
          "max-channels-per-client",
          "max-joins-per-second",
          "max-events-per-second",
          "max-concurrent-users",
          "max-payload-bytes",
          "presence-max-calls",
          "presence-window",
          "max-token-check-interval",
          "join-error-backoff",
          "connect-error-backoff",
          "max-pending-frames",
          "max-presence-events-per-second",
          "no-channel-timeout");

  private static int integer(Function<String, String> props, String name, int fallback) {
    String value = props.apply(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          PROPERTY_PREFIX + name + " must be an integer, got '" + value + "'");
    }
  }

  private static Duration duration(Function<String, String> props, String name, Duration fallback) {
    String value = props.apply(name);
    if (value == null) {
      return fallback;
    }
    String v = value.trim();
    try {
      return v.startsWith("P") || v.startsWith("p")
          ? Duration.parse(v)
          : Duration.ofMillis(Long.parseLong(v));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          PROPERTY_PREFIX
              + name
              + " must be milliseconds or an ISO-8601 duration such as PT2S, got '"
              + value
              + "'");
    }
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(PROPERTY_PREFIX + name + " must be > 0, got " + value);
    }
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(PROPERTY_PREFIX + name + " must be > 0, got " + value);
    }
  }

  private static void notNegative(String name, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(PROPERTY_PREFIX + name + " must be >= 0, got " + value);
    }
  }
}
