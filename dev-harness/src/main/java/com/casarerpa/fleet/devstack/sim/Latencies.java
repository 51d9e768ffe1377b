package com.casarerpa.fleet.devstack.sim;

import java.util.Arrays;

/** Call durations (nanoseconds), recorded from many threads; percentiles on demand. */
public final class Latencies {
  private long[] values = new long[1024];
  private int size;

  public synchronized void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  public synchronized int count() {
    return size;
  }

  /** Forgets what was recorded (the end of a warm-up). */
  public synchronized void reset() {
    size = 0;
  }

  /** The {@code p}-th percentile in milliseconds (nearest rank), or NaN when empty. */
  public synchronized double percentileMillis(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * size) - 1;
    return sorted[Math.max(0, Math.min(index, size - 1))] / 1e6;
  }
}
