package com.casarerpa.fleet.devstack.rest;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What PostgREST calls the schema cache: the exposed schema's tables, views (columns, primary keys)
 * and functions (arguments, result shape). Read from the catalog at start, again on {@code NOTIFY
 * pgrst, 'reload schema'}, and again when a lookup misses (so objects created after start are
 * found). Reloads after a miss are rate-limited ({@link #MISS_RELOAD_INTERVAL}): a client asking
 * for unknown names in a loop cannot make every request read the whole catalog.
 *
 * <p>Thread-safe: readers see an immutable snapshot; reloads are serialised.
 */
final class SchemaCache {
  private record Snapshot(
      Map<String, Relation> relations,
      Map<String, List<RpcFunction>> functions,
      Map<String, Map<String, String>> roleSettings,
      List<ForeignKey> foreignKeys) {}

  /** At most one reload caused by a lookup miss per interval; NOTIFY reloads are not limited. */
  static final Duration MISS_RELOAD_INTERVAL = Duration.ofMillis(250);

  /** Waits until an instant (tests drive it with their clock). */
  interface Pause {
    void until(Instant when) throws InterruptedException;
  }

  private static final Pause SLEEP =
      when -> {
        long millis = Duration.between(Instant.now(), when).toMillis();
        if (millis > 0) {
          Thread.sleep(millis);
        }
      };

  private final DataSource catalog;
  private final String schema;
  private final InstantSource clock;
  private final Pause pause;
  private final Object reloadLock = new Object();
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of(), List.of());
  private volatile long generation;
  private Instant lastReload = Instant.MIN; // guarded by reloadLock

  SchemaCache(DataSource catalog, String schema) {
    this(catalog, schema, InstantSource.system(), SLEEP);
  }

  SchemaCache(DataSource catalog, String schema, InstantSource clock, Pause pause) {
    this.catalog = catalog;
    this.schema = schema;
    this.clock = clock;
    this.pause = pause;
  }

  /** How many times the catalog was read (for tests and diagnostics). */
  long generation() {
    return generation;
  }

  String schema() {
    return schema;
  }

  /** The table or view {@code name}, reloading once if it is not known yet. */
  Optional<Relation> relation(String name) {
    Relation found = snapshot.relations().get(name);
    if (found == null) {
      reloadAfterMiss();
      found = snapshot.relations().get(name);
    }
    return Optional.ofNullable(found);
  }

  /** The overloads of function {@code name}, reloading once if none is known yet. */
  List<RpcFunction> functions(String name) {
    List<RpcFunction> found = snapshot.functions().get(name);
    if (found == null) {
      reloadAfterMiss();
      found = snapshot.functions().get(name);
    }
    return found == null ? List.of() : found;
  }

  /** A relation whose columns may have changed since the last load (a column lookup missed). */
  Relation refreshed(Relation stale) {
    reloadAfterMiss();
    return snapshot.relations().getOrDefault(stale.name(), stale);
  }

  /**
   * Settings attached to {@code role} ({@code ALTER ROLE anon SET statement_timeout = '3s'}), which
   * PostgREST applies per request because {@code SET ROLE} does not.
   */
  Map<String, String> roleSettings(String role) {
    return snapshot.roleSettings().getOrDefault(role, Map.of());
  }

  /** Foreign keys between relations of the exposed schema. */
  List<ForeignKey> foreignKeys() {
    return snapshot.foreignKeys();
  }

  /** The foreign keys after one reload (a relationship may have been added since the load). */
  List<ForeignKey> refreshedForeignKeys() {
    reloadAfterMiss();
    return snapshot.foreignKeys();
  }

  /** Names of every known function. */
  java.util.Set<String> functionNames() {
    return snapshot.functions().keySet();
  }

  /** Names of every known relation (for "perhaps you meant" hints). */
  java.util.Set<String> relationNames() {
    return snapshot.relations().keySet();
  }

  private void reloadAfterMiss() {
    long seen = generation;
    synchronized (reloadLock) {
      if (generation != seen) {
        return; // another request read the catalog meanwhile
      }
      Instant next = lastReload.plus(MISS_RELOAD_INTERVAL);
      if (clock.instant().isBefore(next)) {
        try {
          pause.until(next);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      reloadLocked();
    }
  }

  /** Reads the catalog again. */
  void reload() {
    synchronized (reloadLock) {
      reloadLocked();
    }
  }

  private void reloadLocked() {
    try (Connection c = catalog.getConnection()) {
      Map<String, Relation> relations = loadRelations(c);
      Map<String, List<RpcFunction>> functions = new CatalogFunctions(c, schema).load();
      snapshot =
          new Snapshot(
              Map.copyOf(relations),
              Map.copyOf(functions),
              RequestSettings.roleSettings(c),
              loadForeignKeys(c));
      generation++;
      lastReload = clock.instant();
    } catch (SQLException e) {
      throw new ApiError(
          503,
          "PGRST002",
          "Could not query the database for the schema cache. Retrying.",
          e.getMessage(),
          null);
    }
  }

  private Map<String, Relation> loadRelations(Connection c) throws SQLException {
    Map<String, Map<String, Column>> columns = new LinkedHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                   a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> ''
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = ? AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
            ORDER BY c.relname, a.attnum
            """)) {
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns
              .computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
              .put(rs.getString(2), new Column(rs.getString(2), rs.getString(3), rs.getBoolean(4)));
        }
      }
    }
    Map<String, List<String>> keys = new HashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            """
            SELECT c.relname, a.attname
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
            WHERE i.indisprimary AND n.nspname = ?
            ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)
            """)) {
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    Map<String, Relation> relations = new HashMap<>();
    columns.forEach(
        (name, cols) ->
            relations.put(
                name,
                new Relation(
                    schema,
                    name,
                    java.util.Collections.unmodifiableMap(cols),
                    List.copyOf(keys.getOrDefault(name, List.of())))));
    return relations;
  }

  private List<ForeignKey> loadForeignKeys(Connection c) throws SQLException {
    List<ForeignKey> keys = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            """
            SELECT con.conname, cl.relname,
                   ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(n, i)
                         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
                         ORDER BY k.i),
                   fcl.relname,
                   ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(n, i)
                         JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
                         ORDER BY k.i)
            FROM pg_constraint con
            JOIN pg_class cl ON cl.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = cl.relnamespace
            JOIN pg_class fcl ON fcl.oid = con.confrelid
            JOIN pg_namespace fn ON fn.oid = fcl.relnamespace
            WHERE con.contype = 'f' AND n.nspname = ? AND fn.nspname = ?
            ORDER BY con.conname
            """)) {
      s.setString(1, schema);
      s.setString(2, schema);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          keys.add(
              new ForeignKey(
                  rs.getString(1),
                  rs.getString(2),
                  strings(rs.getArray(3)),
                  rs.getString(4),
                  strings(rs.getArray(5))));
        }
      }
    }
    return List.copyOf(keys);
  }

  static List<String> strings(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    Object[] values = (Object[]) array.getArray();
    List<String> out = new ArrayList<>(values.length);
    for (Object v : values) {
      out.add(v == null ? "" : v.toString());
    }
    return out;
  }
}
