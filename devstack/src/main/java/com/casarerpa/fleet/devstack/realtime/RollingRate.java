package com.casarerpa.fleet.devstack.realtime;

import java.time.Duration;
import java.time.InstantSource;

/**
 * A per-second rate averaged over a rolling window of fixed buckets, like Realtime's rate counters
 * (a 60 s average over 5 s buckets). Thread-safe; cheap enough to call per message.
 */
final class RollingRate {
  private final InstantSource clock;
  private final long bucketMillis;
  private final long[] counts;
  private final long[] bucketIds;
  private final double windowSeconds;

  RollingRate(InstantSource clock, Duration window, Duration bucket) {
    this.clock = clock;
    this.bucketMillis = bucket.toMillis();
    int buckets = (int) Math.max(1, window.toMillis() / bucketMillis);
    this.counts = new long[buckets];
    this.bucketIds = new long[buckets];
    this.windowSeconds = buckets * bucketMillis / 1000.0;
  }

  /** The Supabase shape: 60 s average over 5 s buckets. */
  static RollingRate perMinuteAverage(InstantSource clock) {
    return new RollingRate(clock, Duration.ofSeconds(60), Duration.ofSeconds(5));
  }

  synchronized void add(long n) {
    long id = clock.millis() / bucketMillis;
    int slot = (int) (id % counts.length);
    if (bucketIds[slot] != id) {
      bucketIds[slot] = id;
      counts[slot] = 0;
    }
    counts[slot] += n;
  }

  /** Events per second over the window. */
  synchronized double perSecond() {
    long now = clock.millis() / bucketMillis;
    long sum = 0;
    for (int i = 0; i < counts.length; i++) {
      if (now - bucketIds[i] < counts.length) {
        sum += counts[i];
      }
    }
    return sum / windowSeconds;
  }
}
