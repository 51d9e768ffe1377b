package com.casarerpa.fleet.agent.logs;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-robot monotonic {@code seq}: {@code max(previous + 1, now in microseconds)}. Seeding from
 * the clock keeps it increasing across restarts without state (unless the clock steps back by more
 * than the time between runs); seeding also from the spool's highest seq covers that case for lines
 * not yet shipped.
 */
final class LogSequence {
  private final InstantSource clock;
  private final AtomicLong last;

  public LogSequence(InstantSource clock, long atLeast) {
    this.clock = clock;
    this.last = new AtomicLong(atLeast);
  }

  public long next() {
    long now = micros(clock.instant());
    return last.updateAndGet(prev -> Math.max(prev + 1, now));
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }
}
