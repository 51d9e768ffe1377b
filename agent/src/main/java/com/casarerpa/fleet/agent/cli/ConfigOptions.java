package com.casarerpa.fleet.agent.cli;

import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.config.ConfigReader;
import com.casarerpa.fleet.agent.config.ConfigSources;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration flags shared by {@code run} and {@code doctor}. */
final class ConfigOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Settings file (NAME=value lines). Default: ./agent.env, then the user config folder.")
  Path configFile;

  @Option(
      names = "--set",
      paramLabel = "NAME=VALUE",
      description = "Any setting by name, e.g. --set JOB_POLL_INTERVAL=2s (repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--supabase-url", paramLabel = "URL", description = "SUPABASE_URL")
  String supabaseUrl;

  @Option(names = "--robot-name", paramLabel = "NAME", description = "ROBOT_NAME")
  String robotName;

  @Option(names = "--environment", paramLabel = "ENV", description = "ROBOT_ENVIRONMENT")
  String environment;

  @Option(
      names = "--max-concurrent-jobs",
      paramLabel = "N",
      description = "ROBOT_MAX_CONCURRENT_JOBS")
  Integer maxConcurrentJobs;

  @Option(names = "--ops-port", paramLabel = "PORT|off", description = "ROBOT_OPS_PORT")
  String opsPort;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "ROBOT_DATA_DIR")
  Path dataDir;

  /** Reads the configuration from every layer; throws ConfigException listing all problems. */
  AgentConfig read() {
    Map<String, String> flags = new LinkedHashMap<>(settings);
    putIf(flags, "SUPABASE_URL", supabaseUrl);
    putIf(flags, "ROBOT_NAME", robotName);
    putIf(flags, "ROBOT_ENVIRONMENT", environment);
    putIf(flags, "ROBOT_MAX_CONCURRENT_JOBS", maxConcurrentJobs);
    putIf(flags, "ROBOT_OPS_PORT", opsPort);
    putIf(flags, "ROBOT_DATA_DIR", dataDir);
    return ConfigReader.read(ConfigSources.load(configFile, Path.of(""), System.getenv(), flags));
  }

  private static void putIf(Map<String, String> flags, String name, Object value) {
    if (value != null) {
      flags.put(name, value.toString());
    }
  }
}
