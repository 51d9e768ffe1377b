package com.casarerpa.fleet.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version, from the build. */
public final class AgentVersion {
  private static final String VERSION = load();

  private AgentVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = AgentVersion.class.getResourceAsStream("/casare-agent.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
