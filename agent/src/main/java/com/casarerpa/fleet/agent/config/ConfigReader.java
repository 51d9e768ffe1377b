package com.casarerpa.fleet.agent.config;

import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.PathMap;
import com.casarerpa.fleet.workflow.net.InternalAddressPolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns raw values into an {@link AgentConfig}, validating everything in one place. All problems
 * are collected and reported together; each names the setting, its (masked) value, where it came
 * from, and what to do.
 */
public final class ConfigReader {
  private static final Pattern ROBOT_KEY = Pattern.compile("crpa_[A-Za-z0-9_-]{43}");
  private static final Duration MIN_HEARTBEAT = Duration.ofSeconds(1);
  private static final Duration MAX_HEARTBEAT = Duration.ofMinutes(5);

  private final ConfigSources sources;
  private final List<String> problems = new ArrayList<>();

  private ConfigReader(ConfigSources sources) {
    this.sources = sources;
    problems.addAll(sources.problems());
  }

  /**
   * Validates and builds the configuration.
   *
   * @throws ConfigException listing every problem found
   */
  public static AgentConfig read(ConfigSources sources) {
    return new ConfigReader(sources).build();
  }

  private AgentConfig build() {
    URI url = required(Setting.SUPABASE_URL, this::parseUrl);
    String anonKey = required(Setting.SUPABASE_ANON_KEY, this::parseAnonKey);
    String robotKey = required(Setting.ROBOT_API_KEY, this::parseRobotKey);
    String hostname = text(Setting.ROBOT_HOSTNAME).orElseGet(ConfigReader::localHostname);
    String name = text(Setting.ROBOT_NAME).orElse("Robot-" + hostname);
    Duration heartbeat = duration(Setting.ROBOT_HEARTBEAT_INTERVAL, MIN_HEARTBEAT, MAX_HEARTBEAT);
    Duration poll =
        duration(Setting.JOB_POLL_INTERVAL, Duration.ofMillis(100), Duration.ofMinutes(10));
    Duration offline =
        duration(Setting.ROBOT_OFFLINE_THRESHOLD, Duration.ofSeconds(2), Duration.ofHours(1));
    if (heartbeat != null && offline != null && offline.compareTo(heartbeat.multipliedBy(2)) < 0) {
      problems.add(
          describe(Setting.ROBOT_OFFLINE_THRESHOLD)
              + ": must be at least twice ROBOT_HEARTBEAT_INTERVAL ("
              + heartbeat.toSeconds()
              + "s), or a healthy robot is declared offline; raise it or lower the heartbeat");
    }
    AgentConfig config =
        AgentConfig.builder(url, anonKey, robotKey)
            .robotName(name)
            .hostname(hostname)
            .environment(text(Setting.ROBOT_ENVIRONMENT).orElse("default"))
            .capabilities(list(Setting.ROBOT_CAPABILITIES))
            .tags(list(Setting.ROBOT_TAGS))
            .maxConcurrentJobs(integer(Setting.ROBOT_MAX_CONCURRENT_JOBS, 1, 100))
            .heartbeatInterval(heartbeat)
            .jobPollInterval(poll)
            .offlineThreshold(offline)
            .logRetentionDays(integer(Setting.LOG_RETENTION_DAYS, 1, 3650))
            .tenantId(tenant())
            .jobTimeout(
                duration(Setting.ROBOT_JOB_TIMEOUT, Duration.ofSeconds(1), Duration.ofDays(7)))
            .cancelGrace(
                duration(Setting.ROBOT_CANCEL_GRACE, Duration.ZERO, Duration.ofMinutes(10)))
            .shutdownBudget(
                duration(Setting.ROBOT_SHUTDOWN_BUDGET, Duration.ZERO, Duration.ofHours(24)))
            .httpTimeout(
                duration(Setting.ROBOT_HTTP_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5)))
            .opsPort(opsPort())
            .dataDir(dataDir())
            .spoolMaxBytes(integer(Setting.ROBOT_SPOOL_MAX_MB, 1, 1_000_000) * 1024L * 1024L)
            .logBatchSize(integer(Setting.ROBOT_LOG_BATCH_SIZE, 1, 1000))
            .logFlushInterval(
                duration(
                    Setting.ROBOT_LOG_FLUSH_INTERVAL, Duration.ofMillis(10), Duration.ofMinutes(1)))
            .logLevel(logLevel())
            .fleetMaintenance(bool(Setting.ROBOT_FLEET_MAINTENANCE))
            .wakeups(bool(Setting.ROBOT_WAKEUPS))
            .workflowHttp(workflowHttp())
            .pathMap(pathMap())
            .credentials(
                WorkflowCredentials.read(
                    text(Setting.CASARE_CREDENTIALS_FILE).map(Path::of).orElse(null),
                    sources.credentialEntries(),
                    problems))
            .build();
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  private <T> T required(Setting setting, Function<String, T> parser) {
    Optional<String> value = text(setting);
    if (value.isEmpty()) {
      problems.add(
          setting.name()
              + " is not set: "
              + setting.description()
              + "; set it in agent.env, the environment, or with --set "
              + setting.name()
              + "=...");
      return null;
    }
    return parser.apply(value.get());
  }

  private URI parseUrl(String text) {
    try {
      URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      if (uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new URISyntaxException(text, "not an http(s) URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      problems.add(
          describe(Setting.SUPABASE_URL)
              + ": not an http(s) URL with a host; use the project URL, e.g."
              + " https://<ref>.supabase.co or http://127.0.0.1:54321");
      return null;
    }
  }

  private String parseAnonKey(String key) {
    Optional<String> role = JwtRole.of(key);
    if (role.filter("service_role"::equals).isPresent() || key.startsWith("sb_secret_")) {
      problems.add(
          describe(Setting.SUPABASE_ANON_KEY)
              + ": this is a service_role key, and robots must not hold the service key;"
              + " use the project's anon (public) key from the API settings");
      return null;
    }
    return key;
  }

  private String parseRobotKey(String key) {
    if (!ROBOT_KEY.matcher(key).matches()) {
      problems.add(
          describe(Setting.ROBOT_API_KEY)
              + ": a robot key is crpa_ followed by 43 base64url characters (48 in all), got "
              + key.length()
              + " characters; paste the key printed when it was created, or create a new one");
      return null;
    }
    return key;
  }

  private InternalAddressPolicy workflowHttp() {
    String allow = text(Setting.WORKFLOW_HTTP_ALLOW).orElse("");
    try {
      return InternalAddressPolicy.parse(allow);
    } catch (IllegalArgumentException e) {
      problems.add(
          describe(Setting.WORKFLOW_HTTP_ALLOW)
              + ": "
              + e.getMessage()
              + "; e.g. WORKFLOW_HTTP_ALLOW=127.0.0.1,10.0.0.0/8");
      return InternalAddressPolicy.parse("");
    }
  }

  private PathMap pathMap() {
    try {
      return PathMap.parse(text(Setting.CASARE_PATH_MAP).orElse(""));
    } catch (IllegalArgumentException e) {
      problems.add(describe(Setting.CASARE_PATH_MAP) + ": " + e.getMessage());
      return PathMap.NONE;
    }
  }

  private Optional<String> text(Setting setting) {
    return sources.value(setting).map(ConfigSources.Value::text).filter(t -> !t.isBlank());
  }

  private String describe(Setting setting) {
    ConfigSources.Value value = sources.value(setting).orElse(new ConfigSources.Value("", "-"));
    String shown = setting.secret() ? Secrets.mask(value.text()) : value.text();
    return setting.name() + "=" + shown + " (from " + value.source() + ")";
  }

  private List<String> list(Setting setting) {
    return text(setting)
        .map(t -> Arrays.stream(t.split(",")).map(String::strip).filter(s -> !s.isEmpty()))
        .map(s -> s.distinct().toList())
        .orElse(List.of());
  }

  private int integer(Setting setting, int min, int max) {
    String text = text(setting).orElse("");
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(
        describe(setting)
            + ": must be a whole number from "
            + min
            + " to "
            + max
            + "; e.g. "
            + setting.name()
            + "="
            + setting.defaultValue().orElse(String.valueOf(min)));
    return min;
  }

  private Duration duration(Setting setting, Duration min, Duration max) {
    Optional<Duration> value = text(setting).flatMap(DurationText::parse);
    if (value.isPresent() && value.get().compareTo(min) >= 0 && value.get().compareTo(max) <= 0) {
      return value.get();
    }
    problems.add(
        describe(setting)
            + ": must be a duration from "
            + min
            + " to "
            + max
            + " written as seconds (30), or with a unit (500ms, 30s, 5m, 1h)");
    return min;
  }

  private static final UUID SINGLE_TENANT = new UUID(0L, 0L);

  private UUID tenant() {
    Optional<String> text = text(Setting.TENANT_ID);
    if (text.isEmpty()) {
      return null;
    }
    try {
      UUID tenant = UUID.fromString(text.get());
      // the seed's example value (the "system" tenant): a single-tenant fleet, whose robots have
      // no tenant_id; it must not stop such a robot from starting
      return SINGLE_TENANT.equals(tenant) ? null : tenant;
    } catch (IllegalArgumentException e) {
      problems.add(
          describe(Setting.TENANT_ID)
              + ": not a uuid; copy the robot's tenant_id, or leave TENANT_ID empty");
      return null;
    }
  }

  private int opsPort() {
    String text = text(Setting.ROBOT_OPS_PORT).orElse("off").toLowerCase(Locale.ROOT);
    if ("off".equals(text) || "false".equals(text)) {
      return AgentConfig.OPS_DISABLED;
    }
    return integer(Setting.ROBOT_OPS_PORT, 0, 65535);
  }

  private Path dataDir() {
    return text(Setting.ROBOT_DATA_DIR)
        .map(Path::of)
        .orElseGet(AgentConfig.Builder::defaultDataDir);
  }

  private LogLevel logLevel() {
    Optional<LogLevel> level = text(Setting.ROBOT_LOG_LEVEL).map(t -> LogLevel.parse(t, null));
    if (level.isEmpty()) {
      problems.add(
          describe(Setting.ROBOT_LOG_LEVEL)
              + ": use one of TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL");
      return LogLevel.INFO;
    }
    return level.get();
  }

  private boolean bool(Setting setting) {
    String text = text(setting).orElse("").toLowerCase(Locale.ROOT);
    return switch (text) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> {
        problems.add(describe(setting) + ": use true or false");
        yield false;
      }
    };
  }

  static String localHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env != null ? env : "unknown-host";
    }
  }
}
