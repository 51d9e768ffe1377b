package com.casarerpa.fleet.operator;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.jobs.EngineExecutor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** A real robot agent in-process, configured with named settings. */
public final class Agents {
  private Agents() {}

  public static Agent start(
      String url, String anonKey, String robotKey, String name, Path dataDir) {
    return start(url, anonKey, robotKey, name, dataDir, null);
  }

  /** An agent with {@code ROBOT_NAME=robotName} (null: unset). */
  public static Agent start(
      String url, String anonKey, String robotKey, String name, Path dataDir, String robotName) {
    AgentConfig config =
        AgentConfig.builder(URI.create(url), anonKey, robotKey)
            .dataDir(dataDir)
            .opsPort(AgentConfig.OPS_DISABLED)
            .heartbeatInterval(Duration.ofSeconds(1))
            .logFlushInterval(Duration.ofMillis(100))
            .hostname(name + "-host")
            .robotName(robotName)
            .build();
    Agent agent = new Agent(config, EngineExecutor.standard(config.dataDir().resolve("work")));
    agent.start();
    return agent;
  }
}
