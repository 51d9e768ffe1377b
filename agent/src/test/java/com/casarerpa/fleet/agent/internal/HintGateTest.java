package com.casarerpa.fleet.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The clock is driven by hand; the window is long, so a trailing action never fires in a test. */
class HintGateTest {
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AtomicInteger actions = new AtomicInteger();
  private final HintGate gate =
      new HintGate(timers, Duration.ofHours(1), now::get, actions::incrementAndGet);

  @AfterEach
  void stop() {
    timers.shutdownNow();
  }

  @Test
  void a_burst_of_hints_costs_one_action_at_once() {
    for (int i = 0; i < 100; i++) {
      gate.hint();
    }
    assertThat(actions).hasValue(1);
  }

  @Test
  void after_the_window_a_hint_acts_at_once_again() {
    gate.hint();
    now.addAndGet(Duration.ofHours(2).toNanos());
    gate.hint();
    assertThat(actions).hasValue(2);
  }

  @Test
  void a_reopened_gate_answers_the_next_hint_at_once_and_then_closes_again() {
    gate.hint();
    gate.reopen(); // the claim found a job
    gate.hint();
    assertThat(actions).hasValue(2);
    for (int i = 0; i < 100; i++) {
      gate.hint(); // forged: no claim finds work, so no reopen
    }
    assertThat(actions).as("forged hints still cost one action per window").hasValue(2);
  }
}
