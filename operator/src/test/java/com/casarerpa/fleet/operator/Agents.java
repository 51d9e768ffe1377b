package com.casarerpa.fleet.operator;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.jobs.EngineExecutor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A real robot agent in-process, with the agent.env lines an operator would paste. */
public final class Agents {
  private Agents() {}

  public static Agent start(
      String url, String anonKey, String robotKey, String name, Path dataDir) {
    Map<String, String> settings = new HashMap<>();
    settings.put("SUPABASE_URL", url);
    settings.put("SUPABASE_ANON_KEY", anonKey);
    settings.put("ROBOT_API_KEY", robotKey);
    settings.put("ROBOT_DATA_DIR", dataDir.toString());
    settings.put("ROBOT_OPS_PORT", "off");
    settings.put("ROBOT_HEARTBEAT_INTERVAL", "1s");
    settings.put("ROBOT_LOG_FLUSH_INTERVAL", "100ms");
    settings.put("ROBOT_HOSTNAME", name + "-host");
    AgentConfig config = AgentConfig.fromSettings(settings);
    Agent agent = new Agent(config, EngineExecutor.standard(config.dataDir().resolve("work")));
    agent.start();
    return agent;
  }
}
