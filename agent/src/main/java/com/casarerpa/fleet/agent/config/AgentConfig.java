package com.casarerpa.fleet.agent.config;

import com.casarerpa.fleet.agent.logs.LogLevel;
import com.casarerpa.fleet.workflow.net.InternalAddressPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The agent's validated, immutable configuration. Build it with {@link ConfigReader}; every field
 * corresponds to one {@link Setting}.
 *
 * @param tenantId the expected tenant, or null when not checked
 * @param opsPort loopback port for /healthz and /metrics; {@link #OPS_DISABLED} switches them off
 */
public record AgentConfig(
    URI supabaseUrl,
    String anonKey,
    String robotApiKey,
    String robotName,
    String hostname,
    String environment,
    List<String> capabilities,
    List<String> tags,
    int maxConcurrentJobs,
    Duration heartbeatInterval,
    Duration jobPollInterval,
    Duration offlineThreshold,
    int logRetentionDays,
    UUID tenantId,
    Duration jobTimeout,
    Duration cancelGrace,
    Duration shutdownBudget,
    Duration httpTimeout,
    int opsPort,
    Path dataDir,
    long spoolMaxBytes,
    int logBatchSize,
    Duration logFlushInterval,
    LogLevel logLevel,
    boolean fleetMaintenance,
    boolean wakeups,
    InternalAddressPolicy workflowHttp) {
  public static final int OPS_DISABLED = -1;

  public AgentConfig {
    capabilities = List.copyOf(capabilities);
    tags = List.copyOf(tags);
  }

  /** Reads a configuration from setting names only (no file, no environment): handy in tests. */
  public static AgentConfig fromSettings(Map<String, String> settings) {
    return ConfigReader.read(ConfigSources.load(null, Path.of("."), Map.of(), settings));
  }

  public Path spoolDir() {
    return dataDir.resolve("spool");
  }

  /** The effective configuration as one line, secrets masked: what the agent logs at start. */
  public String describe() {
    return "supabase_url="
        + supabaseUrl
        + " anon_key="
        + Secrets.mask(anonKey)
        + " robot_api_key="
        + Secrets.mask(robotApiKey)
        + " name="
        + robotName
        + " hostname="
        + hostname
        + " environment="
        + environment
        + " capabilities="
        + capabilities
        + " tags="
        + tags
        + " max_concurrent_jobs="
        + maxConcurrentJobs
        + " heartbeat="
        + heartbeatInterval
        + " poll="
        + jobPollInterval
        + " offline_threshold="
        + offlineThreshold
        + " job_timeout="
        + jobTimeout
        + " cancel_grace="
        + cancelGrace
        + " shutdown_budget="
        + shutdownBudget
        + " http_timeout="
        + httpTimeout
        + " ops_port="
        + (opsPort == OPS_DISABLED ? "off" : String.valueOf(opsPort))
        + " data_dir="
        + dataDir
        + " spool_max_bytes="
        + spoolMaxBytes
        + " log_batch="
        + logBatchSize
        + " log_flush="
        + logFlushInterval
        + " log_level="
        + logLevel
        + " tenant="
        + (tenantId == null ? "-" : tenantId)
        + " maintenance="
        + fleetMaintenance
        + " wakeups="
        + wakeups
        + " workflow_http_allow="
        + workflowHttp;
  }

  @Override
  public String toString() {
    return "AgentConfig[" + describe() + "]";
  }
}
