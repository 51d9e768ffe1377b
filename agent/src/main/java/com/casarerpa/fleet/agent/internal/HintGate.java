package com.casarerpa.fleet.agent.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Coalesces Realtime hints into at most one action per window. Hints arrive on public topics, so
 * anyone with the anon key can forge them: a burst of any size costs one action at once plus one at
 * the end of the window (so the last real hint of a burst is never lost), never one per hint.
 *
 * <p>{@link #reopen()} says the last action found real work (a claim that returned jobs): the next
 * hint may act at once, and for one window after it hints are spaced by {@link #WARM_SPACING} only
 * instead of the window. A forger cannot make a claim return jobs, so against an idle fleet forged
 * hints still cost at most one action per window. While jobs really flow, robots sharing the hints
 * lose some claims to each other; with the full window after every lost claim, two robots could
 * both sit out up to a second while jobs queued (p50 100 ms, p99 580 ms at 50 jobs/s); a forger
 * riding on real traffic gets at most one action per {@link #WARM_SPACING}.
 */
public final class HintGate {
  /** Runs a task once after a delay; refuses ({@link RejectedExecutionException}) when stopping. */
  @FunctionalInterface
  interface Later {
    void run(Runnable task, long delayNanos);
  }

  /** The spacing of hint actions within a window of the last real work. */
  static final Duration WARM_SPACING = Duration.ofMillis(20);

  private final Later later;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private final Runnable action;
  private long lastRun;
  private long lastWork;
  private boolean worked;
  private boolean ranOnce;
  private boolean pending;

  public HintGate(ScheduledExecutorService timers, Duration window, Runnable action) {
    this(
        (task, delay) -> timers.schedule(task, delay, TimeUnit.NANOSECONDS),
        window,
        System::nanoTime,
        action);
  }

  /** With a driven clock and scheduler (tests). */
  HintGate(Later later, Duration window, LongSupplier nanoTime, Runnable action) {
    this.later = later;
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
    this.action = action;
  }

  /** A hint arrived: act now if the window since the last action has passed, else once later. */
  public void hint() {
    long now = nanoTime.getAsLong();
    synchronized (this) {
      if (pending) {
        return;
      }
      long since = now - lastRun;
      long spacing = worked && now - lastWork < windowNanos ? WARM_SPACING.toNanos() : windowNanos;
      if (ranOnce && since < spacing) {
        pending = true;
        schedule(spacing - since);
        return;
      }
      lastRun = now;
      ranOnce = true;
    }
    action.run();
  }

  /** The last action found real work: the next hint acts at once instead of waiting the window. */
  public void reopen() {
    long now = nanoTime.getAsLong();
    synchronized (this) {
      ranOnce = false;
      worked = true;
      lastWork = now;
    }
  }

  private void schedule(long delayNanos) {
    try {
      later.run(this::fire, delayNanos);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        pending = false; // stopping: the hint no longer matters
      }
    }
  }

  private void fire() {
    synchronized (this) {
      pending = false;
      lastRun = nanoTime.getAsLong();
      ranOnce = true;
    }
    action.run();
  }
}
