package com.casarerpa.fleet.devstack.realtime;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dedicated superuser connection that LISTENs on the Realtime channels ({@code
 * realtime_messages} from {@code realtime.send}, {@code realtime_local_changes} from the capture
 * trigger) and hands each notification's payload to its handler, on the thread {@code
 * realtime-db-listener}. When the connection breaks it reconnects with backoff (0.5, 1, 2, 5 s,
 * then 5 s) and runs the reconnect hooks, because notifications sent meanwhile are lost.
 */
final class DatabaseNotifications implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatabaseNotifications.class);
  private static final int POLL_MILLIS = 500;
  private static final long[] BACKOFF_MILLIS = {500, 1000, 2000, 5000};

  private final DataSource connect;
  private final Map<String, Consumer<String>> handlers;
  private final List<Runnable> onReconnect;
  private volatile boolean running;
  private Thread thread;

  /**
   * @param connect opens new superuser connections (not a pool: the connection is held for good)
   * @param handlers channel name → payload handler
   * @param onReconnect run after each (re)connect, e.g. to drain what was missed
   */
  DatabaseNotifications(
      DataSource connect, Map<String, Consumer<String>> handlers, List<Runnable> onReconnect) {
    this.connect = connect;
    this.handlers = Map.copyOf(handlers);
    this.onReconnect = List.copyOf(onReconnect);
  }

  synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::run, "realtime-db-listener");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    int failures = 0;
    while (running) {
      try (Connection c = connect.getConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute("SET application_name = 'realtime-db-listener'");
          for (String channel : handlers.keySet()) {
            s.execute("LISTEN " + channel);
          }
        }
        if (failures > 0) {
          log.info("database listener reconnected");
        }
        failures = 0;
        onReconnect.forEach(DatabaseNotifications::runQuietly);
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
          if (notifications != null) {
            for (PGNotification n : notifications) {
              dispatch(n);
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        long wait = BACKOFF_MILLIS[Math.min(failures, BACKOFF_MILLIS.length - 1)];
        failures++;
        log.warn(
            "database listener lost its connection ({}); reconnecting in {} ms",
            e.getMessage(),
            wait);
        try {
          Thread.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void dispatch(PGNotification n) {
    Consumer<String> handler = handlers.get(n.getName());
    if (handler == null) {
      return;
    }
    try {
      handler.accept(n.getParameter());
    } catch (RuntimeException e) {
      log.warn("handling notification on {} failed: {}", n.getName(), e.toString());
    }
  }

  private static void runQuietly(Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      log.warn("database listener reconnect hook failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    if (t == null) {
      return;
    }
    try {
      t.join(POLL_MILLIS * 4L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      log.warn("realtime-db-listener did not stop within {} ms; abandoning it", POLL_MILLIS * 4);
    }
  }
}
