package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Delivers one captured change to the channels subscribed to it, as Supabase's {@code
 * realtime.apply_rls} does: filters are compared after casting to the column type; for each
 * distinct role and claims, INSERT/UPDATE rows are re-selected by primary key as that role (an RLS
 * policy that hides the row means no event); columns the role cannot SELECT are left out; DELETEs
 * are not RLS-checked and carry only the primary key when RLS is on.
 */
final class ChangeDelivery {
  static final int MAX_RECORD_BYTES = 1_048_576;
  private static final DateTimeFormatter COMMIT_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final ObjectMapper json;
  private final TableCatalog catalog;

  ChangeDelivery(ObjectMapper json, TableCatalog catalog) {
    this.json = json;
    this.catalog = catalog;
  }

  /** What one group of subscribers (same role and claims) is allowed to see. */
  private record View(boolean visible, boolean unauthorized, Set<String> readable) {}

  void deliver(Connection c, Change change, Iterable<Channel> channels) throws SQLException {
    Map<Channel, List<ChangeSubscription>> candidates = new LinkedHashMap<>();
    for (Channel channel : channels) {
      List<ChangeSubscription> matching = new ArrayList<>();
      for (ChangeSubscription s : channel.subscriptions()) {
        if (s.matches(change.schema(), change.table(), change.type())) {
          matching.add(s);
        }
      }
      if (!matching.isEmpty() && !channel.isClosed()) {
        candidates.put(channel, matching);
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    TableCatalog.Table table = catalog.table(c, change.schema(), change.table());
    if (table == null) {
      return;
    }
    ObjectNode identity = identity(table, change);
    JsonNode filterRow = change.type().equals("DELETE") ? identity : change.newRow();
    Map<ChangeFilter, Boolean> filters = evaluate(c, table, filterRow, candidates);
    Map<String, List<Channel>> groups = new LinkedHashMap<>();
    Map<Channel, List<Integer>> ids = new LinkedHashMap<>();
    candidates.forEach(
        (channel, subs) -> {
          List<Integer> matched = new ArrayList<>();
          for (ChangeSubscription s : subs) {
            if (s.filter() == null || filters.getOrDefault(s.filter(), false)) {
              matched.add(s.id());
            }
          }
          if (!matched.isEmpty()) {
            ids.put(channel, matched);
            groups.computeIfAbsent(groupKey(channel), k -> new ArrayList<>()).add(channel);
          }
        });
    for (List<Channel> group : groups.values()) {
      TokenCheck.Verified token = group.get(0).token();
      View view = view(c, table, change, token);
      if (!view.visible()) {
        continue;
      }
      ObjectNode data = data(table, change, identity, view);
      for (Channel channel : group) {
        ObjectNode payload = json.createObjectNode();
        ArrayNode idArray = payload.putArray("ids");
        ids.get(channel).forEach(idArray::add);
        payload.set("data", data);
        channel.push("postgres_changes", payload);
      }
    }
  }

  private String groupKey(Channel channel) {
    try {
      return channel.token().role() + "|" + json.writeValueAsString(channel.token().claims());
    } catch (JsonProcessingException e) {
      return channel.token().token();
    }
  }

  /** The old row cut to the replica identity: PK unless FULL; PK only for DELETE under RLS. */
  private ObjectNode identity(TableCatalog.Table table, Change change) {
    ObjectNode identity = json.createObjectNode();
    JsonNode old = change.oldRow();
    if (old == null || !old.isObject()) {
      return identity;
    }
    boolean full =
        table.replicaIdentityFull()
            && !(change.type().equals("DELETE") && table.rowLevelSecurity());
    if (full) {
      identity.setAll((ObjectNode) old);
    } else {
      table.primaryKey().forEach(pk -> identity.set(pk, old.get(pk)));
    }
    return identity;
  }

  private Map<ChangeFilter, Boolean> evaluate(
      Connection c,
      TableCatalog.Table table,
      JsonNode row,
      Map<Channel, List<ChangeSubscription>> candidates)
      throws SQLException {
    Set<ChangeFilter> distinct = new LinkedHashSet<>();
    candidates
        .values()
        .forEach(
            subs ->
                subs.forEach(
                    s -> {
                      if (s.filter() != null) {
                        distinct.add(s.filter());
                      }
                    }));
    Map<ChangeFilter, Boolean> results = new LinkedHashMap<>();
    List<ChangeFilter> checkable = new ArrayList<>();
    StringBuilder select = new StringBuilder("SELECT ");
    for (ChangeFilter f : distinct) {
      TableCatalog.Column column = table.column(f.column());
      if (column == null || row == null || !row.has(f.column())) {
        results.put(f, false);
        continue;
      }
      select.append(checkable.isEmpty() ? "" : ", ");
      String col = "r." + ChannelPolicy.quoteIdentifier(column.name());
      if (f.operator().equals("in")) {
        select
            .append("coalesce(")
            .append(col)
            .append(" = ANY(CAST(? AS ")
            .append(column.sqlType())
            .append("[])), false)");
      } else {
        select
            .append("coalesce(")
            .append(col)
            .append(' ')
            .append(f.sqlOperator())
            .append(" CAST(? AS ")
            .append(column.sqlType())
            .append("), false)");
      }
      checkable.add(f);
    }
    if (checkable.isEmpty()) {
      return results;
    }
    select
        .append(" FROM jsonb_populate_record(NULL::")
        .append(table.qualified())
        .append(", CAST(? AS jsonb)) r");
    try (PreparedStatement s = c.prepareStatement(select.toString())) {
      int i = 1;
      for (ChangeFilter f : checkable) {
        if (f.operator().equals("in")) {
          s.setArray(i++, c.createArrayOf("text", f.values().toArray()));
        } else {
          s.setString(i++, f.values().get(0));
        }
      }
      s.setString(i, row.toString());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        for (int k = 0; k < checkable.size(); k++) {
          results.put(checkable.get(k), rs.getBoolean(k + 1));
        }
      }
    } catch (SQLException e) {
      // a value that does not cast to the column type never matches
      checkable.forEach(f -> results.put(f, false));
    }
    return results;
  }

  /** Runs as the subscriber's role: readable columns, and for INSERT/UPDATE row visibility. */
  private View view(
      Connection c, TableCatalog.Table table, Change change, TokenCheck.Verified token)
      throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      ChannelPolicy.actAs(c, token, null, json);
      Set<String> readable = new HashSet<>();
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT attname FROM pg_attribute WHERE attrelid = ? AND attnum > 0 AND NOT"
                  + " attisdropped AND has_column_privilege(attrelid, attnum, 'SELECT')")) {
        s.setLong(1, table.oid());
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            readable.add(rs.getString(1));
          }
        }
      }
      if (change.type().equals("DELETE") || table.primaryKey().isEmpty()) {
        return new View(true, false, readable);
      }
      return new View(visible(c, table, change.newRow()), false, readable);
    } catch (SQLException e) {
      if ("42501".equals(e.getSQLState())) {
        return new View(true, true, Set.of());
      }
      if ("22023".equals(e.getSQLState()) || "42704".equals(e.getSQLState())) {
        return new View(false, false, Set.of()); // the token's role does not exist
      }
      throw e;
    } finally {
      c.rollback();
      c.setAutoCommit(autoCommit);
    }
  }

  private static boolean visible(Connection c, TableCatalog.Table table, JsonNode row)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT EXISTS (SELECT 1 FROM ")
            .append(table.qualified())
            .append(" t, jsonb_populate_record(NULL::")
            .append(table.qualified())
            .append(", CAST(? AS jsonb)) r WHERE ");
    for (int i = 0; i < table.primaryKey().size(); i++) {
      String pk = ChannelPolicy.quoteIdentifier(table.primaryKey().get(i));
      sql.append(i == 0 ? "" : " AND ").append("t.").append(pk).append(" = r.").append(pk);
    }
    sql.append(')');
    try (PreparedStatement s = c.prepareStatement(sql.toString())) {
      s.setString(1, row.toString());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private ObjectNode data(TableCatalog.Table table, Change change, ObjectNode identity, View view) {
    ObjectNode data = json.createObjectNode();
    data.put("schema", change.schema());
    data.put("table", change.table());
    data.put("commit_timestamp", COMMIT_TIMESTAMP.format(change.commitTimestamp()));
    data.put("type", change.type());
    ArrayNode columns = data.putArray("columns");
    for (TableCatalog.Column column : table.columns()) {
      if (view.readable().contains(column.name())) {
        columns.addObject().put("name", column.name()).put("type", column.typname());
      }
    }
    if (table.primaryKey().isEmpty() && !change.type().equals("DELETE")) {
      data.putArray("errors").add("Error 400: Bad Request, no primary key");
      return data;
    }
    if (view.unauthorized()) {
      data.putArray("errors").add("Error 401: Unauthorized");
      return data;
    }
    boolean tooLarge = false;
    if (!change.type().equals("DELETE")) {
      ObjectNode record = readable(change.newRow(), view);
      tooLarge = record.toString().length() > MAX_RECORD_BYTES;
      data.set("record", tooLarge ? smallFields(record) : record);
    }
    if (!change.type().equals("INSERT")) {
      data.set("old_record", readable(identity, view));
    }
    if (tooLarge) {
      data.putArray("errors").add("Error 413: Payload Too Large");
    } else {
      data.putNull("errors");
    }
    return data;
  }

  private ObjectNode readable(JsonNode row, View view) {
    ObjectNode out = json.createObjectNode();
    if (row != null && row.isObject()) {
      row.properties()
          .forEach(
              e -> {
                if (view.readable().contains(e.getKey())) {
                  out.set(e.getKey(), e.getValue());
                }
              });
    }
    return out;
  }

  /** Supabase keeps only fields of 64 bytes or less when a record is too large. */
  private ObjectNode smallFields(ObjectNode record) {
    ObjectNode out = json.createObjectNode();
    record
        .properties()
        .forEach(
            e -> {
              if (e.getValue().toString().length() <= 64) {
                out.set(e.getKey(), e.getValue());
              }
            });
    return out;
  }
}
