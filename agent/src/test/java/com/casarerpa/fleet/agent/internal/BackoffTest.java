package com.casarerpa.fleet.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SplittableRandom(7));

  @Test
  void the_ceiling_doubles_per_attempt_up_to_the_cap() {
    assertThat(backoff.ceiling(0)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.ceiling(10)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.ceiling(1000)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void delays_are_spread_over_the_whole_range_below_the_ceiling() {
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 2000; i++) {
      long delay = backoff.delay(4).toMillis();
      assertThat(delay).isBetween(0L, 1600L);
      min = Math.min(min, delay);
      max = Math.max(max, delay);
    }
    assertThat(min).isLessThan(100);
    assertThat(max).isGreaterThan(1500);
  }
}
