package com.casarerpa.fleet.devstack.e2e;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.jobs.EngineExecutor;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Starts agents for a robot against a stack URL, with test-friendly timing. */
final class AgentRunner {
  private AgentRunner() {}

  /** An in-process agent's configuration, built with named settings; tests adjust it further. */
  static AgentConfig.Builder config(
      String url, String anonKey, FleetAdmin.Robot robot, Path dataDir) {
    return AgentConfig.builder(URI.create(url), anonKey, robot.key())
        .dataDir(dataDir)
        .opsPort(AgentConfig.OPS_DISABLED)
        .heartbeatInterval(Duration.ofSeconds(1))
        .offlineThreshold(Duration.ofSeconds(5))
        .cancelGrace(Duration.ofSeconds(1))
        .logFlushInterval(Duration.ofMillis(100))
        .hostname(robot.name() + "-host");
  }

  /**
   * The same timing as {@code --set NAME=value} flags of a child agent process, which reads them
   * through the agent's config reader like any robot machine.
   */
  static Map<String, String> processSettings(
      String url, String anonKey, FleetAdmin.Robot robot, Path dataDir, String... overrides) {
    Map<String, String> settings = new HashMap<>();
    settings.put("SUPABASE_URL", url);
    settings.put("SUPABASE_ANON_KEY", anonKey);
    settings.put("ROBOT_API_KEY", robot.key());
    settings.put("ROBOT_DATA_DIR", dataDir.toString());
    settings.put("ROBOT_OPS_PORT", "off");
    settings.put("ROBOT_HEARTBEAT_INTERVAL", "1s");
    settings.put("ROBOT_OFFLINE_THRESHOLD", "5s");
    settings.put("ROBOT_CANCEL_GRACE", "1s");
    settings.put("ROBOT_LOG_FLUSH_INTERVAL", "100ms");
    settings.put("ROBOT_HOSTNAME", robot.name() + "-host");
    for (int i = 0; i + 1 < overrides.length; i += 2) {
      settings.put(overrides[i], overrides[i + 1]);
    }
    return settings;
  }

  static Agent start(AgentConfig.Builder builder) {
    AgentConfig config = builder.build();
    Agent agent = new Agent(config, EngineExecutor.standard(config.dataDir().resolve("work")));
    agent.start();
    return agent;
  }
}
