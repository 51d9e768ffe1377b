package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Dead robot → its job running elsewhere, at default settings. Two real agent processes (the
 * launcher, {@code bin/casare-agent}); a long job runs on one; that process gets {@code kill -9} at
 * a random phase of its heartbeat; the figure is the database's time from the kill to the job's
 * {@code started_at} on the other robot. The killed robot's process is started again only after the
 * measurement (its registration would hand the job back at once, which is not the case measured).
 */
public final class RescueScenario implements BenchScenario {
  @Override
  public String name() {
    return "rescue";
  }

  @Override
  public String summary() {
    return "kill -9 of a real agent running a job -> the job running on another robot (goal <= 25 s)";
  }

  @Override
  public String options() {
    return """
        --rounds N      kills measured (default 3)
        --launcher P    agent launcher to run (default bin/casare-agent)""";
  }

  @Override
  public void run(BenchRun run) throws Exception {
    int rounds = run.intOption("rounds", 3);
    Path launcher = Path.of(run.stringOption("launcher", BenchFleet.devLauncher().toString()));
    BenchFleet.prepareLauncher(launcher); // builds a stale jar before anything is timed
    try (BenchFleet fleet = BenchFleet.start()) {
      FleetAdmin admin = fleet.admin();
      int heartbeatSeconds =
          Integer.parseInt(
              fleet.queryString("select heartbeat_interval_seconds from fleet_settings"));
      run.row(
          "settings (fleet_settings defaults)",
          fleet.queryString(
              "select format('lease %s s, heartbeat %s s, offline %s s, maintenance %s s',"
                  + " lease_seconds, heartbeat_interval_seconds, offline_threshold_seconds,"
                  + " maintenance_interval_seconds) from fleet_settings"),
          "");
      UUID workflow = admin.upsertWorkflow("bench-rescue", BenchFleet.waitWorkflow(3600));
      Map<UUID, FleetAdmin.Robot> robots = new HashMap<>();
      Map<UUID, Process> processes = new HashMap<>();
      for (int i = 0; i < 2; i++) {
        FleetAdmin.Robot robot =
            admin.createRobot("bench-rescue-" + i + "-" + UUID.randomUUID(), 1);
        robots.put(robot.id(), robot);
        processes.put(robot.id(), fleet.startAgent(launcher, robot, Map.of()));
      }
      for (FleetAdmin.Robot robot : robots.values()) {
        if (!BenchFleet.await(
            Duration.ofSeconds(120), () -> "online".equals(fleet.robotStatus(robot.id())))) {
          throw new IllegalStateException("agent did not come online: " + fleet.agentLog(robot));
        }
      }
      List<Double> seconds = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        UUID job = admin.enqueue(workflow);
        if (!BenchFleet.await(Duration.ofSeconds(60), () -> "running".equals(status(fleet, job)))) {
          throw new IllegalStateException("job " + job + " did not start");
        }
        UUID victim =
            UUID.fromString(fleet.queryString("select robot_uuid from jobs where job_id = ?", job));
        Thread.sleep(ThreadLocalRandom.current().nextLong(heartbeatSeconds * 1000L));
        processes.get(victim).destroyForcibly().waitFor();
        String killedAt = fleet.queryString("select clock_timestamp()");
        if (!BenchFleet.await(Duration.ofSeconds(300), () -> rescued(fleet, job, victim))) {
          throw new IllegalStateException("job " + job + " was not rescued within 300 s");
        }
        double took =
            Double.parseDouble(
                fleet.queryString(
                    "select extract(epoch from started_at - ?::timestamptz) from jobs where job_id = ?",
                    killedAt,
                    job));
        String requeuedBy =
            fleet.queryString("select error_details->>'rescued' from jobs where job_id = ?", job);
        seconds.add(took);
        run.row(
            "round " + (round + 1) + ": kill -9 -> running elsewhere",
            String.format("%.1f s", took),
            "rescued flag " + requeuedBy);
        // free the survivor (one slot, the agent's default) for the next round
        admin.rpc("cancel_job", Map.of("p_job_id", job.toString()));
        if (!BenchFleet.await(
            Duration.ofSeconds(60), () -> "cancelled".equals(status(fleet, job)))) {
          throw new IllegalStateException("job " + job + " was not cancelled");
        }
        FleetAdmin.Robot again = robots.get(victim);
        processes.put(victim, fleet.startAgent(launcher, again, Map.of()));
        if (!BenchFleet.await(
            Duration.ofSeconds(120),
            () ->
                "online".equals(fleet.robotStatus(victim))
                    || "busy".equals(fleet.robotStatus(victim)))) {
          throw new IllegalStateException(
              "restarted agent did not come online: " + fleet.agentLog(again));
        }
      }
      double worst = seconds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      run.figure("rescue_seconds_median", Bench.percentile(seconds, 50));
      run.figure("rescue_seconds_worst", worst);
      run.figure("rounds", rounds);
      run.goal("rescue, worst of " + rounds, worst, "s", 25, true);
    }
  }

  private static String status(BenchFleet fleet, UUID job) {
    try {
      return fleet.queryString("select status from jobs where job_id = ?", job);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean rescued(BenchFleet fleet, UUID job, UUID victim) {
    try {
      return "t"
          .equals(
              fleet.queryString(
                  "select status = 'running' and robot_uuid <> ? from jobs where job_id = ?",
                  victim,
                  job));
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
