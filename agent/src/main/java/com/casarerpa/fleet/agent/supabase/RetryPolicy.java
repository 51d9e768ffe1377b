package com.casarerpa.fleet.agent.supabase;

import java.time.Duration;

/**
 * How often and how patiently a call is retried on transient failures. Each call type picks its own
 * (Buildkite's lesson): registration is patient, heartbeats are quick because the next tick comes
 * soon, results are patient because losing them costs a rerun.
 *
 * @param maxAttempts total attempts, at least 1
 * @param base first backoff ceiling (full jitter below it)
 * @param cap largest backoff ceiling
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration cap) {
  /** One attempt: the caller handles failure (e.g. the log spool). */
  public static final RetryPolicy ONCE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  /** Heartbeats and claims: a couple of quick tries; the next tick retries anyway. */
  public static final RetryPolicy QUICK =
      new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(1));

  /** Progress and job start: short outages are ridden out. */
  public static final RetryPolicy STANDARD =
      new RetryPolicy(6, Duration.ofMillis(250), Duration.ofSeconds(4));

  /** Registration and results: minutes of patience. */
  public static final RetryPolicy PATIENT =
      new RetryPolicy(40, Duration.ofMillis(500), Duration.ofSeconds(10));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
  }
}
