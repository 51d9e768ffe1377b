package com.casarerpa.fleet.devstack.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent daemon as a real child JVM ({@code casare-agent run}), for tests where the process is
 * the point: SIGKILL, SIGTERM, exit codes. Output goes to a log file in the test's folder.
 */
final class AgentProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private AgentProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static AgentProcess start(Map<String, String> settings, Path dir) throws IOException {
    Files.createDirectories(dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("com.casarerpa.fleet.agent.cli.AgentMain");
    command.add("run");
    command.add("--config");
    command.add(File.separatorChar == '/' ? "/dev/null" : "NUL");
    settings.forEach(
        (name, value) -> {
          command.add("--set");
          command.add(name + "=" + value);
        });
    Path log = dir.resolve("agent.log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("ROBOT_") || k.startsWith("SUPABASE_"));
    return new AgentProcess(pb.start(), log);
  }

  /** SIGTERM (a graceful stop request). */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL: no shutdown of any kind. */
  void kill() {
    process.destroyForcibly();
  }

  /** Waits for the exit and returns its code. */
  int waitForExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("agent did not exit within " + seconds + " s; log:\n" + output());
    }
    return process.exitValue();
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "<no log: " + e + ">";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
