package com.casarerpa.fleet.devstack.rest;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on channel {@code pgrst} and reloads the {@link SchemaCache} on {@code NOTIFY pgrst,
 * 'reload schema'} (or an empty payload), as PostgREST does. Owns one thread and one dedicated
 * connection; {@link #stop()} is idempotent and bounded.
 */
final class SchemaReloadListener {
  private static final Logger log = LoggerFactory.getLogger(SchemaReloadListener.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(5);

  private final DataSource database;
  private final SchemaCache cache;
  private final Thread thread;
  private volatile boolean stopping;

  SchemaReloadListener(DataSource database, SchemaCache cache) {
    this.database = database;
    this.cache = cache;
    this.thread =
        Thread.ofPlatform().name("devstack-rest-schema-listener").daemon().unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  void stop() {
    stopping = true;
    thread.interrupt();
    try {
      thread.join(STOP_DEADLINE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("schema listener did not stop within {}", STOP_DEADLINE);
    }
  }

  private void run() {
    while (!stopping) {
      try (Connection c = database.getConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN pgrst");
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!stopping) {
          PGNotification[] notes = pg.getNotifications((int) POLL.toMillis());
          if (notes != null && shouldReload(notes)) {
            cache.reload();
            log.info("schema cache reloaded on NOTIFY pgrst");
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (stopping) {
          return;
        }
        if (e instanceof SQLException sql && "57P01".equals(sql.getSQLState())) {
          // the database is shutting down (the JVM's shutdown hooks race ours): not a fault
          log.debug("schema listener: database shutting down; retrying in {}", RETRY);
        } else {
          log.warn(
              "schema listener lost its connection ({}); retrying in {}", e.getMessage(), RETRY);
        }
        try {
          Thread.sleep(RETRY);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private static boolean shouldReload(PGNotification[] notes) {
    for (PGNotification note : notes) {
      String payload = note.getParameter() == null ? "" : note.getParameter().strip();
      if (payload.isEmpty() || payload.equals("reload schema")) {
        return true;
      }
    }
    return false;
  }
}
