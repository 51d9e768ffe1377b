package com.casarerpa.fleet.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The gate on driven time: a test clock and a scheduler that runs what is due when told. */
class HintGateTest {
  private static final Duration WINDOW = Duration.ofSeconds(1);

  private long now = 5_000_000_000L;
  private final List<long[]> dueAt = new ArrayList<>();
  private final List<Runnable> scheduled = new ArrayList<>();
  private final AtomicInteger actions = new AtomicInteger();
  private boolean stopping;

  private final HintGate gate =
      new HintGate(
          (task, delay) -> {
            if (stopping) {
              throw new RejectedExecutionException("stopping");
            }
            scheduled.add(task);
            dueAt.add(new long[] {now + delay});
          },
          WINDOW,
          () -> now,
          actions::incrementAndGet);

  /** Moves the clock and runs every scheduled task that became due. */
  private void advance(Duration by) {
    now += by.toNanos();
    for (int i = 0; i < scheduled.size(); i++) {
      if (dueAt.get(i)[0] <= now) {
        Runnable task = scheduled.remove(i);
        dueAt.remove(i);
        i--;
        task.run();
      }
    }
  }

  @Test
  void a_burst_of_hints_costs_one_action_at_once_and_one_at_the_end_of_the_window() {
    for (int i = 0; i < 40; i++) {
      gate.hint();
    }
    assertThat(actions).hasValue(1);
    assertThat(scheduled).as("one deferred action, not one per hint").hasSize(1);

    advance(Duration.ofMillis(999));
    assertThat(actions).hasValue(1);
    advance(Duration.ofMillis(1));
    assertThat(actions).as("the last hint of the burst is not lost").hasValue(2);
    assertThat(scheduled).isEmpty();
  }

  @Test
  void hints_a_window_apart_each_act_at_once() {
    gate.hint();
    advance(WINDOW);
    gate.hint();
    advance(WINDOW.plusMillis(1));
    gate.hint();
    assertThat(actions).hasValue(3);
    assertThat(scheduled).isEmpty();
  }

  @Test
  void a_hint_inside_the_window_waits_only_for_the_rest_of_it() {
    gate.hint();
    advance(Duration.ofMillis(700));
    gate.hint();
    assertThat(actions).hasValue(1);
    assertThat(dueAt.get(0)[0] - now).isEqualTo(Duration.ofMillis(300).toNanos());
    advance(Duration.ofMillis(300));
    assertThat(actions).hasValue(2);
    // the deferred action starts a new window
    gate.hint();
    assertThat(actions).hasValue(2);
    assertThat(scheduled).hasSize(1);
  }

  @Test
  void a_steady_stream_of_forged_hints_costs_one_action_per_window() {
    for (int ms = 0; ms < 10_000; ms += 10) {
      gate.hint();
      advance(Duration.ofMillis(10));
    }
    // ten seconds of hints every 10 ms: one action per window (plus the first at once)
    assertThat(actions.get()).isBetween(10, 11);
  }

  @Test
  void a_hint_while_stopping_is_dropped_and_does_not_block_the_next() {
    gate.hint();
    stopping = true;
    gate.hint();
    assertThat(scheduled).isEmpty();
    stopping = false;
    advance(WINDOW);
    gate.hint();
    assertThat(actions).hasValue(2);
  }

  @Test
  void a_reopened_gate_answers_the_next_hint_at_once_and_forged_hints_still_cost_one_per_window() {
    gate.hint();
    gate.reopen(); // the claim won a job
    gate.hint();
    assertThat(actions).hasValue(2);
    for (int i = 0; i < 100; i++) {
      gate.hint(); // forged: no claim wins a job, so nothing reopens the gate
    }
    assertThat(actions).hasValue(2);
    assertThat(scheduled).as("one deferred action").hasSize(1);
  }

  @Test
  void within_a_window_of_real_work_hints_are_spaced_by_the_warm_spacing_only() {
    gate.hint(); // acts: a claim that wins a job
    gate.reopen();
    gate.hint(); // acts at once (reopened); this claim loses the job to another robot
    assertThat(actions).hasValue(2);
    gate.hint(); // a real job 5 ms later: waits the warm spacing, not the window
    assertThat(scheduled).hasSize(1);
    advance(HintGate.WARM_SPACING);
    assertThat(actions).hasValue(3);

    // a window after the last real work, the full window applies again (forged hints)
    advance(WINDOW);
    gate.hint();
    assertThat(actions).hasValue(4);
    for (int i = 0; i < 20; i++) { // a second of forged hints, one every 50 ms
      gate.hint();
      advance(Duration.ofMillis(50));
    }
    assertThat(actions).as("one action per window once no claim wins").hasValue(5);
  }
}
