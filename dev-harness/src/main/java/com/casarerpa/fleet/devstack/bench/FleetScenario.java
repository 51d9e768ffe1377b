package com.casarerpa.fleet.devstack.bench;

import java.util.Map;

/**
 * {@code bin/bench fleet}: simulated robots against the local stack ({@link FleetBenchmark}, also
 * {@code bin/bench-fleet}), with the goals of issue 14: heartbeat RPC p99 under 100 ms and every
 * robot in presence.
 */
public final class FleetScenario implements BenchScenario {
  @Override
  public String name() {
    return "fleet";
  }

  @Override
  public String summary() {
    return "N simulated robots (REST + own Realtime socket each): heartbeat p99 < 100 ms, all in"
        + " presence";
  }

  @Override
  public String options() {
    return """
        --robots N              simulated robots (default 1000)
        --realtime-plan P       unlimited|free|pro|team quotas in the stack (default unlimited)
        --seconds S             measured seconds (default 60)
        --warmup S              seconds before measuring (default 30)
        --jobs-per-second R     jobs enqueued per second (default 2)
        --stack-heap SIZE       the stack's -Xmx (default 2g)
        --poll S                the fleet's job_poll_interval_seconds (default: the setting's 5)""";
  }

  @Override
  public void run(BenchRun run) throws Exception {
    FleetBenchmark.Options options =
        new FleetBenchmark.Options(
            run.intOption("robots", 1000),
            run.stringOption("realtime-plan", "unlimited"),
            run.intOption("seconds", 60),
            run.intOption("warmup", 30),
            Double.parseDouble(run.stringOption("jobs-per-second", "2")),
            run.stringOption("stack-heap", "2g"),
            run.intOption("poll", 0));
    Map<String, Object> figures = FleetBenchmark.run(options);
    for (Map.Entry<String, Object> figure : figures.entrySet()) {
      if (figure.getValue() instanceof Number n) {
        run.figure(figure.getKey(), n.doubleValue());
      } else {
        run.figure(figure.getKey(), String.valueOf(figure.getValue()));
      }
    }
    run.goal(
        "heartbeat RPC p99",
        ((Number) figures.get("heartbeat_p99_ms")).doubleValue(),
        "ms",
        100,
        true);
    run.goal(
        "robots in presence",
        ((Number) figures.get("in_presence")).doubleValue(),
        "robots",
        options.robots(),
        false);
  }
}
