package com.casarerpa.fleet.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GuardedSchedulerTest {
  @Test
  void a_periodic_task_that_throws_keeps_running_and_the_failures_are_counted() {
    GuardedScheduler scheduler = new GuardedScheduler("test-guarded");
    AtomicInteger runs = new AtomicInteger();
    try {
      scheduler.scheduleWithFixedDelay(
          () -> {
            if (runs.incrementAndGet() <= 2) {
              throw new IllegalStateException("boom " + runs.get());
            }
          },
          0,
          5,
          TimeUnit.MILLISECONDS);
      scheduler.scheduleAtFixedRate(
          () -> {
            throw new IllegalStateException("always");
          },
          0,
          5,
          TimeUnit.MILLISECONDS);
      scheduler.execute(
          () -> {
            throw new IllegalStateException("once");
          });

      await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 5);
      await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.failures() >= 6);
      assertThat(scheduler.alive()).isTrue();
    } finally {
      scheduler.shutdownNow();
    }
    assertThat(scheduler.alive()).isFalse();
  }

  @Test
  void a_task_handing_work_to_a_stopped_executor_is_a_shutdown_race_not_a_failure() {
    GuardedScheduler stopped = new GuardedScheduler("test-stopped");
    stopped.shutdownNow();
    GuardedScheduler scheduler = new GuardedScheduler("test-guarded");
    AtomicInteger after = new AtomicInteger();
    try {
      scheduler.scheduleWithFixedDelay(
          () -> {
            after.incrementAndGet();
            stopped.execute(() -> {});
          },
          0,
          5,
          TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> after.get() >= 3);
      assertThat(scheduler.failures()).isZero();
      assertThat(scheduler.alive()).isTrue();
    } finally {
      scheduler.shutdownNow();
    }
  }
}
