package com.casarerpa.fleet.agent.internal;

import java.time.Duration;

/**
 * How the agent waits out a backoff: with the real clock in production, and driven by a test (which
 * records the wait and moves its own {@link java.time.InstantSource} instead of sleeping).
 */
@FunctionalInterface
public interface Sleeper {
  /** The real one: {@link Thread#sleep}. */
  Sleeper SYSTEM = wait -> Thread.sleep(Math.max(0, wait.toMillis()));

  void sleep(Duration wait) throws InterruptedException;
}
