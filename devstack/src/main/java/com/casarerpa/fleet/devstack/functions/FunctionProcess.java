package com.casarerpa.fleet.devstack.functions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One edge function served by its own Deno process on a free loopback port. Started once, reused,
 * stopped with {@link #stop()} (idempotent, bounded).
 */
final class FunctionProcess {
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(50);

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private FunctionProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code entry} under Deno and waits until it accepts connections.
   *
   * @throws FunctionBootException when Deno exits or does not listen within {@code bootTimeout}
   */
  static FunctionProcess start(
      String name,
      Path deno,
      Path bootstrap,
      Path entry,
      Path logDir,
      Map<String, String> env,
      Duration bootTimeout) {
    int port = freePort();
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    deno.toString(),
                    "run",
                    "--allow-net",
                    "--allow-env",
                    "--allow-read",
                    "--no-prompt",
                    bootstrap.toString()))
            .directory(entry.getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    pb.environment().put("DEVSTACK_FUNCTION_PORT", Integer.toString(port));
    pb.environment().put("DEVSTACK_FUNCTION_ENTRY", entry.toUri().toString());
    pb.environment().put("DENO_NO_UPDATE_CHECK", "1");
    pb.environment().put("NO_COLOR", "1");
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new FunctionBootException("cannot run " + deno + ": " + e.getMessage());
    }
    FunctionProcess started = new FunctionProcess(name, process, port, log);
    started.awaitListening(bootTimeout);
    return started;
  }

  private void awaitListening(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new FunctionBootException(
            "function " + name + " exited with code " + process.exitValue() + ": " + logTail());
      }
      try {
        new Socket(InetAddress.getLoopbackAddress(), port).close();
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(POLL);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stop();
          throw new FunctionBootException("interrupted while starting function " + name);
        }
      }
    }
    stop();
    throw new FunctionBootException(
        "function " + name + " did not listen within " + timeout + ": " + logTail());
  }

  int port() {
    return port;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private String logTail() {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
