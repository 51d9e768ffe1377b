package com.casarerpa.fleet.agent.config;

import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.PathMap;
import com.casarerpa.fleet.workflow.net.InternalAddressPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The agent's validated, immutable configuration; every field corresponds to one {@link Setting}.
 * Read it from the layered sources with {@link ConfigReader} (the daemon), or build it in code with
 * {@link #builder} (tests, embedders such as the dev launcher): both start from the same defaults,
 * written once, as the {@link Setting}s' default texts.
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
    InternalAddressPolicy workflowHttp,
    WorkflowCredentials credentials,
    PathMap pathMap) {
  public static final int OPS_DISABLED = -1;

  public AgentConfig {
    capabilities = List.copyOf(capabilities);
    tags = List.copyOf(tags);
  }

  /**
   * A builder holding every default of {@link Setting}; the three required values are given here.
   * It does not validate ranges: {@link ConfigReader} does that for configuration read from files,
   * environment and flags.
   */
  public static Builder builder(URI supabaseUrl, String anonKey, String robotApiKey) {
    return new Builder(supabaseUrl, anonKey, robotApiKey);
  }

  /** This configuration as a builder, to derive a variant. */
  public Builder toBuilder() {
    return new Builder(supabaseUrl, anonKey, robotApiKey)
        .robotName(robotName)
        .hostname(hostname)
        .environment(environment)
        .capabilities(capabilities)
        .tags(tags)
        .maxConcurrentJobs(maxConcurrentJobs)
        .heartbeatInterval(heartbeatInterval)
        .jobPollInterval(jobPollInterval)
        .offlineThreshold(offlineThreshold)
        .logRetentionDays(logRetentionDays)
        .tenantId(tenantId)
        .jobTimeout(jobTimeout)
        .cancelGrace(cancelGrace)
        .shutdownBudget(shutdownBudget)
        .httpTimeout(httpTimeout)
        .opsPort(opsPort)
        .dataDir(dataDir)
        .spoolMaxBytes(spoolMaxBytes)
        .logBatchSize(logBatchSize)
        .logFlushInterval(logFlushInterval)
        .logLevel(logLevel)
        .fleetMaintenance(fleetMaintenance)
        .wakeups(wakeups)
        .workflowHttp(workflowHttp)
        .credentials(credentials);
  }

  /** Named settings with the {@link Setting} defaults; not thread-safe. */
  public static final class Builder {
    private final URI supabaseUrl;
    private final String anonKey;
    private final String robotApiKey;
    private String robotName;
    private String hostname;
    private String environment = text(Setting.ROBOT_ENVIRONMENT);
    private List<String> capabilities = List.of();
    private List<String> tags = List.of();
    private int maxConcurrentJobs = integer(Setting.ROBOT_MAX_CONCURRENT_JOBS);
    private Duration heartbeatInterval = duration(Setting.ROBOT_HEARTBEAT_INTERVAL);
    private Duration jobPollInterval = duration(Setting.JOB_POLL_INTERVAL);
    private Duration offlineThreshold = duration(Setting.ROBOT_OFFLINE_THRESHOLD);
    private int logRetentionDays = integer(Setting.LOG_RETENTION_DAYS);
    private UUID tenantId;
    private Duration jobTimeout = duration(Setting.ROBOT_JOB_TIMEOUT);
    private Duration cancelGrace = duration(Setting.ROBOT_CANCEL_GRACE);
    private Duration shutdownBudget = duration(Setting.ROBOT_SHUTDOWN_BUDGET);
    private Duration httpTimeout = duration(Setting.ROBOT_HTTP_TIMEOUT);
    private int opsPort = integer(Setting.ROBOT_OPS_PORT);
    private Path dataDir = defaultDataDir();
    private long spoolMaxBytes = integer(Setting.ROBOT_SPOOL_MAX_MB) * 1024L * 1024L;
    private int logBatchSize = integer(Setting.ROBOT_LOG_BATCH_SIZE);
    private Duration logFlushInterval = duration(Setting.ROBOT_LOG_FLUSH_INTERVAL);
    private LogLevel logLevel = LogLevel.parse(text(Setting.ROBOT_LOG_LEVEL), null);
    private boolean fleetMaintenance = Boolean.parseBoolean(text(Setting.ROBOT_FLEET_MAINTENANCE));
    private boolean wakeups = Boolean.parseBoolean(text(Setting.ROBOT_WAKEUPS));
    private InternalAddressPolicy workflowHttp = InternalAddressPolicy.parse(null);
    private WorkflowCredentials credentials = WorkflowCredentials.NONE;
    private PathMap pathMap = PathMap.NONE;

    private Builder(URI supabaseUrl, String anonKey, String robotApiKey) {
      this.supabaseUrl = supabaseUrl;
      this.anonKey = anonKey;
      this.robotApiKey = robotApiKey;
    }

    private static String text(Setting setting) {
      return setting.defaultValue().orElseThrow();
    }

    private static int integer(Setting setting) {
      return Integer.parseInt(text(setting));
    }

    private static Duration duration(Setting setting) {
      return DurationText.parse(text(setting)).orElseThrow();
    }

    /** {@code ~/.casare-agent}, the default of ROBOT_DATA_DIR. */
    static Path defaultDataDir() {
      return Path.of(System.getProperty("user.home"), ".casare-agent");
    }

    /** Default {@code Robot-<hostname>}. */
    public Builder robotName(String value) {
      robotName = value;
      return this;
    }

    /** Default: this machine's hostname. */
    public Builder hostname(String value) {
      hostname = value;
      return this;
    }

    public Builder environment(String value) {
      environment = value;
      return this;
    }

    public Builder capabilities(List<String> value) {
      capabilities = value;
      return this;
    }

    public Builder tags(List<String> value) {
      tags = value;
      return this;
    }

    public Builder maxConcurrentJobs(int value) {
      maxConcurrentJobs = value;
      return this;
    }

    public Builder heartbeatInterval(Duration value) {
      heartbeatInterval = value;
      return this;
    }

    public Builder jobPollInterval(Duration value) {
      jobPollInterval = value;
      return this;
    }

    public Builder offlineThreshold(Duration value) {
      offlineThreshold = value;
      return this;
    }

    public Builder logRetentionDays(int value) {
      logRetentionDays = value;
      return this;
    }

    /** The expected tenant; null (the default) does not check. */
    public Builder tenantId(UUID value) {
      tenantId = value;
      return this;
    }

    public Builder jobTimeout(Duration value) {
      jobTimeout = value;
      return this;
    }

    public Builder cancelGrace(Duration value) {
      cancelGrace = value;
      return this;
    }

    public Builder shutdownBudget(Duration value) {
      shutdownBudget = value;
      return this;
    }

    public Builder httpTimeout(Duration value) {
      httpTimeout = value;
      return this;
    }

    /** A loopback port, 0 for any free one, or {@link AgentConfig#OPS_DISABLED}. */
    public Builder opsPort(int value) {
      opsPort = value;
      return this;
    }

    public Builder dataDir(Path value) {
      dataDir = value;
      return this;
    }

    public Builder spoolMaxBytes(long value) {
      spoolMaxBytes = value;
      return this;
    }

    public Builder logBatchSize(int value) {
      logBatchSize = value;
      return this;
    }

    public Builder logFlushInterval(Duration value) {
      logFlushInterval = value;
      return this;
    }

    public Builder logLevel(LogLevel value) {
      logLevel = value;
      return this;
    }

    public Builder fleetMaintenance(boolean value) {
      fleetMaintenance = value;
      return this;
    }

    public Builder wakeups(boolean value) {
      wakeups = value;
      return this;
    }

    /** Internal addresses workflow HTTP nodes may reach ({@code WORKFLOW_HTTP_ALLOW}). */
    public Builder workflowHttp(InternalAddressPolicy value) {
      workflowHttp = value;
      return this;
    }

    /** Secrets for workflow service nodes (FTP, e-mail, Google, messaging, ...). */
    public Builder credentials(WorkflowCredentials value) {
      credentials = value;
      return this;
    }

    /** Where Windows folders named by workflows live on this robot ({@code CASARE_PATH_MAP}). */
    public Builder pathMap(PathMap value) {
      pathMap = value;
      return this;
    }

    public AgentConfig build() {
      String host = hostname != null ? hostname : ConfigReader.localHostname();
      return new AgentConfig(
          supabaseUrl,
          anonKey,
          robotApiKey,
          robotName != null ? robotName : "Robot-" + host,
          host,
          environment,
          capabilities,
          tags,
          maxConcurrentJobs,
          heartbeatInterval,
          jobPollInterval,
          offlineThreshold,
          logRetentionDays,
          tenantId,
          jobTimeout,
          cancelGrace,
          shutdownBudget,
          httpTimeout,
          opsPort,
          dataDir,
          spoolMaxBytes,
          logBatchSize,
          logFlushInterval,
          logLevel,
          fleetMaintenance,
          wakeups,
          workflowHttp,
          credentials,
          pathMap);
    }
  }

  /** Reads a configuration from setting names only (no file, no environment): handy in tests. */
  static AgentConfig fromSettings(Map<String, String> settings) {
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
        + workflowHttp
        + " workflow_credentials="
        + credentials.describe();
  }

  @Override
  public String toString() {
    return "AgentConfig[" + describe() + "]";
  }
}
