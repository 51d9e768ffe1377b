package com.casarerpa.fleet.devstack;

import com.casarerpa.fleet.devstack.auth.DemoKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start the local stack.
 *
 * @param port HTTP port for every API; 0 picks a free one
 * @param dataDirectory where the database lives; null means ephemeral (deleted on stop)
 * @param jwtSecret HS256 secret for the API keys and user tokens
 * @param functionsDirectory the {@code install/supabase/functions} folder to serve
 * @param host the address to bind (loopback by default: this is a development stand-in)
 */
public record StackSettings(
    int port,
    Path dataDirectory,
    String jwtSecret,
    Path functionsDirectory,
    String host,
    String realtimePlan) {
  public static final int DEFAULT_PORT = 54321;
  public static final String DEFAULT_HOST = "127.0.0.1";

  public StackSettings {
    Objects.requireNonNull(jwtSecret, "jwtSecret");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(functionsDirectory, "functionsDirectory");
    if (realtimePlan != null) {
      com.casarerpa.fleet.devstack.realtime.RealtimePlan.named(realtimePlan);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0..65535, got " + port);
    }
  }

  /** Ephemeral database, free port, demo secret: what tests use. */
  public static StackSettings ephemeral() {
    return new StackSettings(
        0, null, DemoKeys.JWT_SECRET, defaultFunctionsDirectory(), DEFAULT_HOST, null);
  }

  /**
   * {@code install/supabase/functions} from the repository root, or from a module folder (where
   * Maven runs tests).
   */
  public static Path defaultFunctionsDirectory() {
    Path fromRoot = Path.of("install", "supabase", "functions");
    Path fromModule = Path.of("..", "install", "supabase", "functions");
    return (Files.isDirectory(fromRoot) || !Files.isDirectory(fromModule) ? fromRoot : fromModule)
        .toAbsolutePath()
        .normalize();
  }

  public StackSettings withPort(int newPort) {
    return new StackSettings(
        newPort, dataDirectory, jwtSecret, functionsDirectory, host, realtimePlan);
  }

  public StackSettings withDataDirectory(Path dir) {
    return new StackSettings(port, dir, jwtSecret, functionsDirectory, host, realtimePlan);
  }

  public StackSettings withJwtSecret(String secret) {
    return new StackSettings(port, dataDirectory, secret, functionsDirectory, host, realtimePlan);
  }

  public StackSettings withFunctionsDirectory(Path dir) {
    return new StackSettings(port, dataDirectory, jwtSecret, dir, host, realtimePlan);
  }

  /**
   * Enforces a hosted plan's Realtime quotas ({@code free}, {@code pro}, {@code team}, {@code
   * unlimited}; see {@code realtime.RealtimePlan}); null keeps the self-hosted server's defaults.
   * {@code devstack.realtime.<name>} system properties still override single values.
   */
  public StackSettings withRealtimePlan(String plan) {
    return new StackSettings(port, dataDirectory, jwtSecret, functionsDirectory, host, plan);
  }
}
