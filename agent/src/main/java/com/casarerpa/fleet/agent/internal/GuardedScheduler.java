package com.casarerpa.fleet.agent.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-thread scheduler whose tasks cannot vanish: an exception in a task is logged (ERROR, with
 * its stack) and counted, and a periodic task keeps its schedule. Plain {@code
 * ScheduledExecutorService} would cancel a periodic task silently at its first exception. Submitted
 * {@link java.util.concurrent.Callable}s keep their normal contract (the caller gets the exception
 * from the future). A task that hands work to an executor already shut down (the agent stopping
 * while a timer fires) is logged at DEBUG, not counted: that is a shutdown race, not a failure.
 */
public final class GuardedScheduler extends ScheduledThreadPoolExecutor implements Worker {
  private static final Logger log = LoggerFactory.getLogger(GuardedScheduler.class);

  private final String name;
  private final AtomicLong failures = new AtomicLong();

  /** One daemon thread named {@code <name>-1}. */
  public GuardedScheduler(String name) {
    super(1, new NamedThreads(name, true));
    this.name = name;
    setRemoveOnCancelPolicy(true);
    setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean alive() {
    return !isShutdown();
  }

  @Override
  public long failures() {
    return failures.get();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    return super.schedule(guard(task), delay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable task, long initialDelay, long period, TimeUnit unit) {
    return super.scheduleAtFixedRate(guard(task), initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable task, long initialDelay, long delay, TimeUnit unit) {
    return super.scheduleWithFixedDelay(guard(task), initialDelay, delay, unit);
  }

  private Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RejectedExecutionException e) {
        // the task handed work to an executor that has stopped (unbounded queues refuse only
        // after shutdown): the agent is stopping, and the work no longer matters
        log.debug("a task on {} ran into a stopped executor: {}", name, e.toString());
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failures.incrementAndGet();
        log.error("a task on {} failed; the scheduler carries on", name, e);
      }
    };
  }
}
