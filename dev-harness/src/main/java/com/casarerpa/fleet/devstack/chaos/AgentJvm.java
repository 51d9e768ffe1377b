package com.casarerpa.fleet.devstack.chaos;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One robot agent as a separate JVM, started the way the launcher ({@code bin/casare-agent}) starts
 * it: {@code java [opts] -jar casare-agent-<v>-all.jar run}, every setting as {@code --set}. Output
 * goes to {@code agent.log} in its folder.
 */
final class AgentJvm {
  private final String robotName;
  private final UUID robotId;
  private final Path dataDir;
  private final Process process;
  private final Path log;
  private final Path agentJar;
  private final List<String> javaOptions;
  private final Map<String, String> settings;
  private final Path dir;

  private AgentJvm(
      String robotName,
      UUID robotId,
      Path dataDir,
      Process process,
      Path log,
      Path agentJar,
      List<String> javaOptions,
      Map<String, String> settings,
      Path dir) {
    this.robotName = robotName;
    this.robotId = robotId;
    this.dataDir = dataDir;
    this.process = process;
    this.log = log;
    this.agentJar = agentJar;
    this.javaOptions = javaOptions;
    this.settings = settings;
    this.dir = dir;
  }

  /**
   * The same robot started again on the same data folder (a machine coming back after its agent was
   * killed, as systemd's {@code Restart=on-failure} would): it ships what its journal holds.
   */
  AgentJvm restart(String logName) throws IOException {
    return start(agentJar, javaOptions, robotName, robotId, settings, dir, logName);
  }

  static AgentJvm start(
      Path agentJar,
      List<String> javaOptions,
      String robotName,
      UUID robotId,
      Map<String, String> settings,
      Path dir)
      throws IOException {
    return start(agentJar, javaOptions, robotName, robotId, settings, dir, "agent.log");
  }

  private static AgentJvm start(
      Path agentJar,
      List<String> javaOptions,
      String robotName,
      UUID robotId,
      Map<String, String> settings,
      Path dir,
      String logName)
      throws IOException {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.add("-jar");
    command.add(agentJar.toString());
    command.add("run");
    command.add("--config");
    command.add(File.separatorChar == '/' ? "/dev/null" : "NUL");
    settings.forEach(
        (name, value) -> {
          command.add("--set");
          command.add(name + "=" + value);
        });
    Path log = dir.resolve(logName);
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("ROBOT_")
                    || k.startsWith("SUPABASE_")
                    || k.startsWith("JOB_")
                    || k.startsWith("WORKFLOW_"));
    Path dataDir = Path.of(settings.get("ROBOT_DATA_DIR"));
    return new AgentJvm(
        robotName, robotId, dataDir, pb.start(), log, agentJar, javaOptions, settings, dir);
  }

  String robotName() {
    return robotName;
  }

  UUID robotId() {
    return robotId;
  }

  Path dataDir() {
    return dataDir;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL ({@code kill -9}): no shutdown of any kind; returns once the process is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: the agent drains; returns the exit code, or -1 when still running after the wait. */
  int terminate(long seconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
      return -1;
    }
    return process.exitValue();
  }

  Path log() {
    return log;
  }
}
