package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * postgres_changes: validates subscriptions at join time (filters, publication membership) and
 * delivers captured changes. The worker thread {@code realtime-changes} wakes on each {@code
 * realtime_local_changes} notification (and at least every second), takes a batch of captured rows
 * out of {@code realtime_local.changes} with one {@code DELETE … RETURNING} (so delivered rows
 * never pile up), and delivers them in capture order. Every 5 s it re-checks which tables are in
 * the publication and adds or removes capture triggers.
 */
final class ChangeFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
  private static final int BATCH = 200;
  private static final long RECONCILE_MILLIS = 5_000;

  private final DataSource db;
  private final ObjectMapper json;
  private final InstantSource clock;
  private final CaptureSchema capture;
  private final TableCatalog catalog;
  private final ChangeDelivery delivery;
  private final Set<Channel> subscribers = ConcurrentHashMap.newKeySet();
  private final Semaphore wake = new Semaphore(0);
  private final Object watchLock = new Object();
  private volatile boolean running;
  private Thread worker;

  ChangeFeed(DataSource db, ObjectMapper json, InstantSource clock) {
    this.db = db;
    this.json = json;
    this.clock = clock;
    this.capture = new CaptureSchema(db);
    this.catalog = new TableCatalog(clock);
    this.delivery = new ChangeDelivery(json, catalog);
  }

  /** One stable id per spec: a hash of the spec's fields, so identical specs share an id. */
  static List<Integer> specIds(List<ObjectNode> specs) {
    List<Integer> ids = new ArrayList<>();
    for (ObjectNode spec : specs) {
      Map<String, String> sorted = new TreeMap<>();
      spec.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().toString()));
      CRC32 crc = new CRC32();
      crc.update(sorted.toString().getBytes(StandardCharsets.UTF_8));
      ids.add((int) (crc.getValue() & ((1 << 27) - 1)));
    }
    return ids;
  }

  synchronized void start() throws SQLException {
    if (running) {
      return;
    }
    capture.install();
    running = true;
    worker = new Thread(this::run, "realtime-changes");
    worker.setDaemon(true);
    worker.start();
  }

  /** A capture notification arrived (or the listener reconnected): drain soon. */
  void wake() {
    if (wake.availablePermits() == 0) {
      wake.release();
    }
  }

  /**
   * Validates {@code specs} and subscribes {@code channel}; answers with the {@code system} message
   * "Subscribed to PostgreSQL", or an error that leaves the channel open. All or nothing, as
   * Supabase's subscription transaction.
   */
  void subscribe(Channel channel, List<ObjectNode> specs, List<Integer> ids) {
    List<ChangeSubscription> subscriptions = new ArrayList<>();
    try (Connection c = db.getConnection()) {
      capture.reconcile();
      for (int i = 0; i < specs.size(); i++) {
        subscriptions.add(validate(c, specs.get(i), ids.get(i)));
      }
    } catch (InvalidSubscriptionException e) {
      channel.pushSystem("postgres_changes", "error", e.getMessage());
      return;
    } catch (SQLException e) {
      log.warn("postgres_changes subscription on {} failed: {}", channel.topic(), e.getMessage());
      channel.pushSystem(
          "postgres_changes", "error", "Realtime was unable to connect to the project database");
      return;
    }
    if (channel.isClosed()) {
      return;
    }
    channel.subscriptions(subscriptions);
    subscribers.add(channel);
    if (channel.isClosed()) {
      subscribers.remove(channel); // closed meanwhile: its close listener may have run already
      return;
    }
    try {
      watchSubscribedTables(); // capturing before the client hears "subscribed"
    } catch (SQLException e) {
      subscribers.remove(channel);
      log.warn("postgres_changes subscription on {} failed: {}", channel.topic(), e.getMessage());
      channel.pushSystem(
          "postgres_changes", "error", "Realtime was unable to connect to the project database");
      return;
    }
    channel.pushSystem("postgres_changes", "ok", "Subscribed to PostgreSQL");
  }

  /** The channel left: its tables stop being captured at the next reconcile (every 5 s). */
  void unsubscribe(Channel channel) {
    subscribers.remove(channel);
  }

  /**
   * Captures the tables of the current subscriptions, and only those. One at a time: reading the
   * subscribers and writing the list is one step, so an older list never overwrites a newer one.
   */
  private void watchSubscribedTables() throws SQLException {
    synchronized (watchLock) {
      Set<List<String>> tables = new java.util.HashSet<>();
      for (Channel channel : subscribers) {
        for (ChangeSubscription subscription : channel.subscriptions()) {
          tables.add(List.of(subscription.schema(), subscription.table()));
        }
      }
      capture.watch(tables);
    }
  }

  private static final class InvalidSubscriptionException extends Exception {
    InvalidSubscriptionException(String message) {
      super(message);
    }
  }

  private ChangeSubscription validate(Connection c, ObjectNode spec, int id)
      throws InvalidSubscriptionException, SQLException {
    String schema = text(spec, "schema");
    String table = text(spec, "table");
    if (schema == null && table == null) {
      throw new InvalidSubscriptionException(
          "No subscription params provided. Please provide at least a `schema` or `table` to"
              + " subscribe to: "
              + spec);
    }
    schema = schema == null ? "public" : schema;
    table = table == null ? "*" : table;
    String event = text(spec, "event");
    event = event == null ? "*" : event.toUpperCase(Locale.ROOT);
    if (!Set.of("INSERT", "UPDATE", "DELETE").contains(event)) {
      event = "*";
    }
    ChangeFilter filter;
    try {
      filter = ChangeFilter.parse(text(spec, "filter"));
    } catch (ChangeFilter.InvalidFilterException e) {
      throw new InvalidSubscriptionException(e.getMessage());
    }
    String params =
        "[event: "
            + event
            + ", schema: "
            + schema
            + ", table: "
            + table
            + ", filters: "
            + (filter == null
                ? "[]"
                : "[{\""
                    + filter.column()
                    + "\", \""
                    + filter.operator()
                    + "\", \""
                    + String.join(",", filter.values())
                    + "\"}]")
            + ", select: nil]";
    List<String[]> tables = catalog.publicationTables(c, schema, table);
    if (tables.isEmpty()) {
      throw new InvalidSubscriptionException(
          "Unable to subscribe to changes with given parameters. Please check Realtime is enabled"
              + " for the given connect parameters: "
              + params);
    }
    if (filter != null) {
      for (String[] t : tables) {
        TableCatalog.Table shape = catalog.table(c, t[0], t[1]);
        if (shape == null || shape.column(filter.column()) == null) {
          throw new InvalidSubscriptionException(
              "Unable to subscribe to changes with given parameters. An exception happened so"
                  + " please check your connect parameters: "
                  + params
                  + ". Exception: ERROR P0001 (raise_exception) invalid column for filter "
                  + filter.column());
        }
      }
    }
    return new ChangeSubscription(id, event, schema, table, filter);
  }

  private static String text(JsonNode spec, String field) {
    JsonNode node = spec.get(field);
    return node != null && node.isTextual() ? node.asText() : null;
  }

  private void run() {
    long lastReconcile = clock.millis();
    while (running) {
      try {
        wake.tryAcquire(1, TimeUnit.SECONDS);
        if (!running) {
          return;
        }
        while (drain() == BATCH) {
          // a full batch: more may be waiting
        }
        if (clock.millis() - lastReconcile >= RECONCILE_MILLIS) {
          lastReconcile = clock.millis();
          capture.reconcile();
          watchSubscribedTables();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable t) {
        log.warn("postgres_changes worker: {}; retrying in 1 s", t.toString());
        sleepQuietly();
      }
    }
  }

  /** Takes one batch of captured changes out of the table and delivers it; returns its size. */
  private int drain() throws SQLException {
    List<Change> changes = new ArrayList<>();
    try (Connection c = db.getConnection()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "DELETE FROM realtime_local.changes WHERE id IN (SELECT id FROM"
                  + " realtime_local.changes ORDER BY id LIMIT "
                  + BATCH
                  + ") RETURNING id, schema_name, table_name, op, new_row::text, old_row::text,"
                  + " commit_timestamp")) {
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            changes.add(
                new Change(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    parse(rs.getString(5)),
                    parse(rs.getString(6)),
                    rs.getTimestamp(7).toInstant()));
          }
        }
      }
      if (subscribers.isEmpty()) {
        return changes.size();
      }
      changes.sort(Comparator.comparingLong(Change::id));
      for (Change change : changes) {
        try {
          delivery.deliver(c, change, subscribers);
        } catch (SQLException e) {
          log.warn(
              "delivering change {} on {}.{} failed: {}",
              change.id(),
              change.schema(),
              change.table(),
              e.getMessage());
        }
      }
    }
    return changes.size();
  }

  private JsonNode parse(String text) {
    if (text == null) {
      return null;
    }
    try {
      return json.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = worker;
    }
    if (t != null) {
      wake.release();
      t.interrupt();
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        log.warn("realtime-changes did not stop within 2 s; abandoning it");
      }
    }
  }
}
