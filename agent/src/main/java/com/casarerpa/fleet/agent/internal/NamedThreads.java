package com.casarerpa.fleet.agent.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Thread factory naming threads {@code <prefix>-<n>}; uncaught errors are logged, never lost. */
public final class NamedThreads implements ThreadFactory {
  private static final Logger log = LoggerFactory.getLogger(NamedThreads.class);

  private final String prefix;
  private final boolean daemon;
  private final AtomicInteger count = new AtomicInteger();

  public NamedThreads(String prefix, boolean daemon) {
    this.prefix = prefix;
    this.daemon = daemon;
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
    thread.setDaemon(daemon);
    thread.setUncaughtExceptionHandler(
        (t, e) -> log.error("thread {} died with an uncaught error", t.getName(), e));
    return thread;
  }
}
