package com.casarerpa.fleet.devstack.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The local stack in a child JVM ({@code devstack start --port 0 --ephemeral}), so that its CPU
 * time and memory can be read apart from the simulator's: the JVM and its PostgreSQL processes
 * (from {@code /proc}, Linux only).
 */
public final class StackProcess implements AutoCloseable {
  private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

  private final Process process;
  private final Map<String, String> env;
  private final Path work;

  private StackProcess(Process process, Map<String, String> env, Path work) {
    this.process = process;
    this.env = env;
    this.work = work;
  }

  /** Starts the stack with {@code plan}'s Realtime quotas and waits until it is ready. */
  public static StackProcess start(String plan, String heap)
      throws IOException, InterruptedException {
    Path work = Files.createTempDirectory("fleet-stack");
    Path envFile = work.resolve("stack.env");
    Path log = work.resolve("stack.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx" + heap,
                "-Ddevstack.deno=none",
                "-cp",
                System.getProperty("java.class.path"),
                "com.casarerpa.fleet.devstack.cli.DevstackMain",
                "start",
                "--port",
                "0",
                "--ephemeral",
                "--realtime-plan",
                plan,
                "--env-file",
                envFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Instant end = Instant.now().plus(Duration.ofMinutes(5));
    while (!Files.exists(envFile)) {
      if (!process.isAlive() || Instant.now().isAfter(end)) {
        process.destroyForcibly();
        throw new IOException("the local stack did not start; its log: " + log);
      }
      Thread.sleep(200);
    }
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(envFile)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return new StackProcess(process, env, work);
  }

  public String url() {
    return env.get("SUPABASE_URL");
  }

  public String anonKey() {
    return env.get("SUPABASE_ANON_KEY");
  }

  public String serviceKey() {
    return env.get("SUPABASE_SERVICE_KEY");
  }

  public Path log() {
    return work.resolve("stack.log");
  }

  /** CPU seconds (user + system) used so far by the stack JVM and its PostgreSQL processes. */
  public double cpuSeconds() {
    return processes().mapToLong(StackProcess::ticks).sum() / (double) CLOCK_TICKS;
  }

  /** Resident memory of the stack JVM alone, MiB. */
  public double jvmRssMib() {
    return kib(process.pid(), "/status", "VmRSS:") / 1024.0;
  }

  /**
   * Proportional memory (PSS: shared pages divided among their sharers) of the JVM and every
   * PostgreSQL process together, MiB: what the stack costs the machine.
   */
  public double totalPssMib() {
    return processes().mapToLong(pid -> kib(pid, "/smaps_rollup", "Pss:")).sum() / 1024.0;
  }

  /**
   * The JVM, its children, and the PostgreSQL server with its backends: the embedded postmaster is
   * started through {@code pg_ctl} and re-parented to init, so it is found by its port.
   */
  private Stream<Long> processes() {
    List<ProcessHandle> all = new java.util.ArrayList<>();
    all.add(process.toHandle());
    all.addAll(process.descendants().toList());
    postmaster()
        .ifPresent(
            pm -> {
              all.add(pm);
              all.addAll(pm.descendants().toList());
            });
    return all.stream().map(ProcessHandle::pid).distinct();
  }

  private java.util.Optional<ProcessHandle> postmaster() {
    String url = env.getOrDefault("DATABASE_URL", "");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(":(\\d+)/").matcher(url);
    if (!m.find()) {
      return java.util.Optional.empty();
    }
    String port = m.group(1);
    return ProcessHandle.allProcesses()
        .filter(
            h -> {
              String[] args = h.info().arguments().orElse(new String[0]);
              boolean postgres = h.info().command().orElse("").endsWith("/postgres");
              for (int i = 0; postgres && i + 1 < args.length; i++) {
                if (args[i].equals("-p") && args[i + 1].equals(port)) {
                  return true;
                }
              }
              return false;
            })
        .findFirst();
  }

  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long kib(long pid, String file, String key) {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + file));
      for (String line : lines) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
