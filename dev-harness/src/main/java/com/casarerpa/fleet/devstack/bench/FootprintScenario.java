package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real agent process started through its launcher ({@code bin/casare-agent run}, default
 * settings, the launcher's own JVM options): process start → {@code robots.status = 'online'}
 * (written by {@code robot_register}), then the resident set size after an idle wait. The launcher
 * {@code exec}s the JVM, so the process measured is the JVM itself.
 */
public final class FootprintScenario implements BenchScenario {
  @Override
  public String name() {
    return "footprint";
  }

  @Override
  public String summary() {
    return "agent start -> online (goal <= 1.0 s) and idle RSS (goal <= 80 MiB), through the launcher";
  }

  @Override
  public String options() {
    return """
        --runs N        agent starts measured (default 3; the first may create the CDS archive)
        --idle S        seconds idle before RSS is read (default 15)
        --launcher P    agent launcher to run (default bin/casare-agent)
        --variants L    compare JVM option sets in one run: ';'-separated values of
                        AGENT_JAVA_DEFAULTS (replacing the launcher's defaults), 'default' = the
                        launcher's own; goals are judged on the first (default: default)""";
  }

  @Override
  public void run(BenchRun run) throws Exception {
    int runs = run.intOption("runs", 3);
    int idle = run.intOption("idle", 15);
    Path launcher = Path.of(run.stringOption("launcher", BenchFleet.devLauncher().toString()));
    List<String> variants = List.of(run.stringOption("variants", "default").split(";"));
    try (BenchFleet fleet = BenchFleet.start()) {
      BenchFleet.prepareLauncher(launcher); // builds a stale jar before anything is timed
      for (String variant : variants) {
        measure(run, fleet, launcher, variant.strip(), runs, idle, variant.equals(variants.get(0)));
      }
    }
  }

  private static void measure(
      BenchRun run,
      BenchFleet fleet,
      Path launcher,
      String variant,
      int runs,
      int idle,
      boolean goals)
      throws Exception {
    String label = variant.equals("default") ? "" : " [" + variant + "]";
    Map<String, String> env =
        variant.equals("default") ? Map.of() : Map.of("AGENT_JAVA_DEFAULTS", variant);
    {
      List<Double> online = new ArrayList<>();
      List<Double> rss = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        FleetAdmin.Robot robot =
            fleet.admin().createRobot("bench-footprint-" + UUID.randomUUID(), 1);
        long start = System.nanoTime();
        Process process = fleet.startAgent(launcher, robot, Map.of(), env);
        if (!BenchFleet.await(
            Duration.ofSeconds(60), () -> "online".equals(fleet.robotStatus(robot.id())))) {
          throw new IllegalStateException("agent did not come online: " + fleet.agentLog(robot));
        }
        double millis = (System.nanoTime() - start) / 1e6;
        Thread.sleep(idle * 1000L);
        long kib = BenchFleet.rssKib(process.pid());
        online.add(millis);
        rss.add(kib / 1024.0);
        run.row(
            "run " + (i + 1) + label + ": start -> online, idle RSS",
            String.format("%.0f ms, %.0f MiB", millis, kib / 1024.0),
            "");
        process.destroy();
        process.waitFor();
      }
      List<Double> warm = runs > 1 ? online.subList(1, runs) : online;
      double warmOnline = Bench.percentile(warm, 50);
      double worstRss = rss.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      run.row(
          "median start -> online after run 1" + label, String.format("%.0f ms", warmOnline), "");
      String prefix = goals ? "" : "variant " + variant + ": ";
      run.figure(prefix + "start_to_online_ms_median_warm", warmOnline);
      run.figure(prefix + "idle_rss_mib_max", worstRss);
      if (goals) {
        run.goal("start -> online (median after the first run)", warmOnline / 1000, "s", 1.0, true);
        run.goal("idle RSS (worst run)", worstRss, "MiB", 80, true);
      }
    }
  }
}
