package com.casarerpa.fleet.agent.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Full-jitter exponential backoff: the wait before retry {@code n} (0-based) is uniform in {@code
 * [0, min(cap, base * 2^n)]}. Jitter spreads a fleet's retries so that robots that lost the backend
 * together do not come back together.
 */
public final class Backoff {
  private final Duration base;
  private final Duration cap;
  private final RandomGenerator random;

  public Backoff(Duration base, Duration cap, RandomGenerator random) {
    if (base.isNegative() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 <= base <= cap, got " + base + ", " + cap);
    }
    this.base = base;
    this.cap = cap;
    this.random = random;
  }

  public Backoff(Duration base, Duration cap) {
    this(base, cap, RandomGenerator.getDefault());
  }

  /** The largest wait for retry {@code attempt}, before jitter. */
  Duration ceiling(int attempt) {
    long baseMillis = Math.max(1, base.toMillis());
    int shift = Math.min(Math.max(attempt, 0), 30);
    long grown = baseMillis << shift;
    return Duration.ofMillis(Math.min(cap.toMillis(), grown < 0 ? Long.MAX_VALUE : grown));
  }

  /** A random wait in {@code [0, ceiling(attempt)]}. */
  public Duration delay(int attempt) {
    long ceiling = ceiling(attempt).toMillis();
    return Duration.ofMillis(ceiling == 0 ? 0 : random.nextLong(ceiling + 1));
  }
}
