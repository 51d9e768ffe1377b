package com.casarerpa.fleet.agent.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every setting the agent reads, with its built-in default. Names are the seed's where the seed has
 * one. {@code config/agent.env.example} documents each of them (a test keeps the two in step).
 */
enum Setting {
  SUPABASE_URL(null, false, "API URL of the Supabase project, e.g. https://<ref>.supabase.co"),
  SUPABASE_ANON_KEY(null, true, "the project's anon (public) key; never the service_role key"),
  ROBOT_API_KEY(null, true, "this robot's key, crpa_ + 43 characters, shown once at creation"),
  ROBOT_NAME("", false, "the robot's name in the fleet (unset: the name the operator gave it)"),
  ROBOT_HOSTNAME("", false, "hostname reported to the fleet (default: this machine's)"),
  ROBOT_ENVIRONMENT("default", false, "environment this robot serves; default takes any"),
  ROBOT_CAPABILITIES("", false, "comma-separated capabilities, e.g. browser,desktop"),
  ROBOT_TAGS("", false, "comma-separated free tags"),
  ROBOT_MAX_CONCURRENT_JOBS("1", false, "jobs run at the same time, 1..100"),
  ROBOT_HEARTBEAT_INTERVAL("10s", false, "heartbeat period (the server may ask for shorter)"),
  JOB_POLL_INTERVAL("5s", false, "claim poll when no wake-up arrives"),
  ROBOT_OFFLINE_THRESHOLD(
      "45s", false, "local health only; the fleet uses fleet_settings.offline_threshold_seconds"),
  LOG_RETENTION_DAYS(
      "30", false, "local log spool only; fleet logs: fleet_settings.log_retention_days"),
  TENANT_ID("", false, "expected tenant uuid (all zeros = single-tenant); start fails elsewhere"),
  ROBOT_JOB_TIMEOUT("1h", false, "timeout for jobs that carry none"),
  ROBOT_CANCEL_GRACE("10s", false, "cooperative cancel window before a hard stop"),
  ROBOT_SHUTDOWN_BUDGET("30s", false, "how long a graceful stop waits for running jobs"),
  ROBOT_HTTP_TIMEOUT("15s", false, "timeout of each HTTP call to Supabase"),
  ROBOT_OPS_PORT("9470", false, "loopback port for /healthz and /metrics; off disables"),
  ROBOT_DATA_DIR("", false, "folder for the log spool (default ~/.casare-agent)"),
  ROBOT_SPOOL_MAX_MB(
      "256",
      false,
      "disk the log journal may use; beyond 90% new TRACE/DEBUG lines are refused, beyond 100% all new lines (counted)"),
  ROBOT_LOG_BATCH_SIZE("1000", false, "log lines per append_robot_logs call, 1..1000"),
  ROBOT_LOG_FLUSH_INTERVAL("1s", false, "longest a log line waits before it is shipped"),
  ROBOT_LOG_LEVEL("INFO", false, "lowest level shipped to robot_logs"),
  ROBOT_FLEET_MAINTENANCE("true", false, "take part in running fleet maintenance"),
  ROBOT_WAKEUPS(
      "true", false, "claim at once on job_queued hints (robot:<id>, job-queue); false polls only"),
  WORKFLOW_HTTP_ALLOW(
      "",
      false,
      "loopback/private addresses HTTP nodes may reach, e.g. 127.0.0.1,10.0.0.0/8; default none"),
  CASARE_CREDENTIALS_FILE(
      "",
      false,
      "JSON file of workflow service credentials, {\"gmail\": {\"access_token\": \"...\"}}; chmod 600"),
  CASARE_PATH_MAP(
      "",
      false,
      "where Windows folders named by workflows live here, e.g. C:\\temp=/var/lib/casare-agent/files;"
          + " ';' between entries; a relative target is inside the job's folder; default none"
          + " (such workflows are refused)");

  private final String defaultValue;
  private final boolean secret;
  private final String description;

  Setting(String defaultValue, boolean secret, String description) {
    this.defaultValue = defaultValue;
    this.secret = secret;
    this.description = description;
  }

  /** The built-in default, or empty when the setting is required. */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  public boolean secret() {
    return secret;
  }

  public String description() {
    return description;
  }

  public static Optional<Setting> named(String name) {
    return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
  }
}
