package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.devstack.chaos.ChaosCommand;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * {@code bin/bench chaos}: the chaos suite ({@link ChaosCommand}, also {@code bin/chaos}) under the
 * one benchmark entry point. The suite prints its own table and writes its own {@code
 * bench-results/chaos-<size>-*.json}; this scenario passes the options through and fails when an
 * invariant did not hold.
 */
public final class ChaosScenario implements BenchScenario {
  private static final List<String> OPTIONS =
      List.of(
          "size",
          "jobs",
          "agents",
          "slots",
          "lines",
          "line-wait",
          "kill-every",
          "fleet-timing",
          "agent-jar",
          "work",
          "seed");

  @Override
  public String name() {
    return "chaos";
  }

  @Override
  public String summary() {
    return "kill -9 agents, restart the stack, cut DB sessions: every job once, no log line lost";
  }

  @Override
  public String options() {
    return """
        --size small|full   500 or 10,000 jobs (default small); see bin/chaos --help for the rest
        --jobs N --agents N --slots N --lines N --line-wait S --kill-every S
        --fleet-timing fast|settings --agent-jar P --work DIR --seed N""";
  }

  @Override
  public void run(BenchRun run) throws Exception {
    List<String> args = new ArrayList<>();
    for (String option : OPTIONS) {
      String value = run.stringOption(option, null);
      if (value != null) {
        args.add("--" + option);
        args.add(value);
      }
    }
    int code = new CommandLine(new ChaosCommand()).execute(args.toArray(String[]::new));
    run.figure("exit_code", code);
    run.row("chaos suite", code == 0 ? "invariants held" : "exit " + code, "table above");
    if (code != 0) {
      throw new IllegalStateException(
          "the chaos suite exited " + code + " (an invariant did not hold, or bad options)");
    }
  }
}
