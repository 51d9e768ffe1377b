package com.casarerpa.fleet.devstack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@link ShippedJarsCheck} refuses in a shipped jar, and what it lets through. */
class ShippedJarsRuleTest {
  @Test
  void benchmark_jmh_and_dev_harness_classes_are_refused() {
    assertThat(ShippedJarsCheck.banned("com/casarerpa/fleet/workflow/bench/EngineBenchmark.class"))
        .isTrue();
    assertThat(ShippedJarsCheck.banned("com/casarerpa/fleet/devstack/bench/BenchRobot.class"))
        .isTrue();
    assertThat(ShippedJarsCheck.banned("com/casarerpa/fleet/agent/RealtimeFanoutBenchmark.class"))
        .isTrue();
    assertThat(ShippedJarsCheck.banned("org/openjdk/jmh/annotations/Benchmark.class")).isTrue();
    assertThat(ShippedJarsCheck.banned("com/casarerpa/fleet/devstack/dev/DemoRun.class")).isTrue();
  }

  @Test
  void the_engine_agent_and_stack_classes_pass() {
    assertThat(ShippedJarsCheck.banned("com/casarerpa/fleet/agent/Agent.class")).isFalse();
    assertThat(ShippedJarsCheck.banned("com/casarerpa/fleet/devstack/cli/StartCommand.class"))
        .isFalse();
    assertThat(ShippedJarsCheck.banned("com/casarerpa/fleet/devstack/bench/notes.txt")).isFalse();
  }
}
