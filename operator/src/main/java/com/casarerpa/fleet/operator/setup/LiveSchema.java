package com.casarerpa.fleet.operator.setup;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code public} schema as the catalog describes it: tables and views with their columns and
 * foreign keys, and the functions callable over {@code /rest/v1/rpc}. Read by {@code setup types}.
 */
record LiveSchema(List<Relation> relations, List<Function> functions) {

  /** A type by name; {@code element} is set for arrays. */
  record Type(String name, String element) {
    boolean isArray() {
      return element != null;
    }
  }

  record Column(String name, Type type, boolean nullable, boolean hasDefault, boolean generated) {}

  record ForeignKey(
      String name,
      List<String> columns,
      boolean oneToOne,
      String referencedRelation,
      List<String> referencedColumns) {}

  record Relation(String name, boolean view, List<Column> columns, List<ForeignKey> foreignKeys) {}

  record Argument(String name, Type type, boolean optional) {}

  record Function(
      String name, List<Argument> args, Type returns, boolean returnsSet, List<Argument> table) {}

  static LiveSchema read(Connection c) throws SQLException {
    Map<Long, Type> types = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT t.oid, t.typname, CASE WHEN t.typcategory = 'A' THEN et.typname END"
                    + " FROM pg_type t LEFT JOIN pg_type et ON et.oid = t.typelem")) {
      while (rs.next()) {
        types.put(rs.getLong(1), new Type(rs.getString(2), rs.getString(3)));
      }
    }
    Map<String, Relation> relations = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
                SELECT c.relname, c.relkind IN ('v', 'm') AS is_view
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
                  AND NOT c.relispartition
                ORDER BY c.relname
                """)) {
      while (rs.next()) {
        relations.put(
            rs.getString(1),
            new Relation(rs.getString(1), rs.getBoolean(2), new ArrayList<>(), new ArrayList<>()));
      }
    }
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
                SELECT c.relname, a.attname, a.atttypid, a.attnotnull,
                       a.atthasdef OR a.attidentity <> '' AS has_default,
                       a.attgenerated <> '' AS generated
                FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
                  AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY c.relname, a.attname
                """)) {
      while (rs.next()) {
        Relation r = relations.get(rs.getString(1));
        if (r != null) {
          r.columns()
              .add(
                  new Column(
                      rs.getString(2),
                      types.get(rs.getLong(3)),
                      !rs.getBoolean(4) || r.view(),
                      rs.getBoolean(5),
                      rs.getBoolean(6)));
        }
      }
    }
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
                SELECT con.conname, c.relname,
                       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
                             ORDER BY k.i)::text[],
                       EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = con.conrelid
                               AND x.indisunique AND x.indkey::int2[] @> con.conkey
                               AND x.indkey::int2[] <@ con.conkey),
                       rc.relname,
                       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
                             ORDER BY k.i)::text[]
                FROM pg_constraint con
                JOIN pg_class c ON c.oid = con.conrelid
                JOIN pg_class rc ON rc.oid = con.confrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE con.contype = 'f' AND n.nspname = 'public' AND NOT c.relispartition
                ORDER BY c.relname, con.conname
                """)) {
      while (rs.next()) {
        Relation r = relations.get(rs.getString(2));
        if (r != null) {
          r.foreignKeys()
              .add(
                  new ForeignKey(
                      rs.getString(1),
                      strings(rs.getArray(3)),
                      rs.getBoolean(4),
                      rs.getString(5),
                      strings(rs.getArray(6))));
        }
      }
    }
    List<Function> functions = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
                SELECT p.proname, p.pronargs, p.pronargdefaults, p.proretset, p.prorettype,
                       coalesce(p.proargnames, '{}'::text[]),
                       coalesce(p.proallargtypes, p.proargtypes::oid[]),
                       coalesce(p.proargmodes, '{}'::"char"[])::text[]
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND p.prokind = 'f'
                  AND p.prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype)
                ORDER BY p.proname, p.oid
                """)) {
      while (rs.next()) {
        int nargs = rs.getInt(2);
        int ndefaults = rs.getInt(3);
        List<String> names = strings(rs.getArray(6));
        Long[] argTypes = (Long[]) rs.getArray(7).getArray();
        List<String> modes = strings(rs.getArray(8));
        List<Argument> in = new ArrayList<>();
        List<Argument> table = new ArrayList<>();
        int inIndex = 0;
        for (int i = 0; i < argTypes.length; i++) {
          String mode = modes.isEmpty() ? "i" : modes.get(i);
          String name = i < names.size() ? names.get(i) : "";
          Type type = types.get(argTypes[i]);
          if (mode.equals("i") || mode.equals("b") || mode.equals("v")) {
            boolean optional = inIndex >= nargs - ndefaults;
            in.add(new Argument(name, type, optional));
            inIndex++;
          }
          if (mode.equals("t") || mode.equals("o") || mode.equals("b")) {
            table.add(new Argument(name, type, false));
          }
        }
        functions.add(
            new Function(rs.getString(1), in, types.get(rs.getLong(5)), rs.getBoolean(4), table));
      }
    }
    return new LiveSchema(List.copyOf(relations.values()), functions);
  }

  private static List<String> strings(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    Object[] values = (Object[]) array.getArray();
    List<String> out = new ArrayList<>();
    for (Object v : values) {
      out.add(String.valueOf(v));
    }
    return out;
  }
}
