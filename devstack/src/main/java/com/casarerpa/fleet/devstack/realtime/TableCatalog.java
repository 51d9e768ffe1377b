package com.casarerpa.fleet.devstack.realtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What postgres_changes needs to know about a table (columns with their types, primary key, RLS,
 * replica identity) and which tables are in publication {@code supabase_realtime}. Table shapes are
 * cached for a few seconds so a burst of changes costs one catalog read.
 */
final class TableCatalog {
  private static final long TTL_MILLIS = 5_000;

  /**
   * A column.
   *
   * @param name column name
   * @param typname {@code pg_type.typname}, what the wire reports (int8, text, _text, …)
   * @param sqlType {@code format_type()}, for casts
   */
  record Column(String name, String typname, String sqlType) {}

  /** A table's shape. */
  record Table(
      String schema,
      String name,
      long oid,
      List<Column> columns,
      List<String> primaryKey,
      boolean rowLevelSecurity,
      boolean replicaIdentityFull) {
    Column column(String columnName) {
      for (Column c : columns) {
        if (c.name().equals(columnName)) {
          return c;
        }
      }
      return null;
    }

    String qualified() {
      return ChannelPolicy.quoteIdentifier(schema) + "." + ChannelPolicy.quoteIdentifier(name);
    }
  }

  private record Cached(Table table, long at) {}

  private final InstantSource clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  TableCatalog(InstantSource clock) {
    this.clock = clock;
  }

  /** The table's shape, or null when it does not exist. */
  Table table(Connection c, String schema, String name) throws SQLException {
    String key = schema + "." + name;
    Cached cached = cache.get(key);
    long now = clock.millis();
    if (cached != null && now - cached.at < TTL_MILLIS) {
      return cached.table;
    }
    Table table = read(c, schema, name);
    if (table != null) {
      cache.put(key, new Cached(table, now));
    }
    return table;
  }

  /** The publication's tables matching {@code schema}/{@code table} ({@code *} matches any). */
  List<String[]> publicationTables(Connection c, String schema, String table) throws SQLException {
    List<String[]> tables = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname ="
                + " 'supabase_realtime' AND (? = '*' OR schemaname = ?) AND (? = '*' OR tablename ="
                + " ?)")) {
      s.setString(1, schema);
      s.setString(2, schema);
      s.setString(3, table);
      s.setString(4, table);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          tables.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
    }
    return tables;
  }

  private static Table read(Connection c, String schema, String name) throws SQLException {
    long oid;
    boolean rls;
    boolean full;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT c.oid, c.relrowsecurity, c.relreplident = 'f' FROM pg_class c JOIN"
                + " pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
      s.setString(1, schema);
      s.setString(2, name);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        oid = rs.getLong(1);
        rls = rs.getBoolean(2);
        full = rs.getBoolean(3);
      }
    }
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT a.attname, t.typname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                + " JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = ? AND a.attnum > 0 AND"
                + " NOT a.attisdropped ORDER BY a.attnum")) {
      s.setLong(1, oid);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
    }
    List<String> primaryKey = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND"
                + " a.attnum = ANY(i.indkey) WHERE i.indrelid = ? AND i.indisprimary ORDER BY"
                + " array_position(i.indkey::int2[], a.attnum)")) {
      s.setLong(1, oid);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          primaryKey.add(rs.getString(1));
        }
      }
    }
    return new Table(schema, name, oid, List.copyOf(columns), List.copyOf(primaryKey), rls, full);
  }
}
