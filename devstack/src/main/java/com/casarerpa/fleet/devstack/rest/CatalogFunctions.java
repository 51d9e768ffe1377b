package com.casarerpa.fleet.devstack.rest;

import com.casarerpa.fleet.devstack.rest.RpcFunction.Argument;
import com.casarerpa.fleet.devstack.rest.RpcFunction.Shape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the exposed schema's functions from {@code pg_proc} for the {@link SchemaCache}. */
final class CatalogFunctions {
  private static final Set<String> INPUT_MODES = Set.of("i", "b", "v");
  private static final Set<String> OUTPUT_MODES = Set.of("o", "b", "t");

  private final Connection c;
  private final String schema;

  CatalogFunctions(Connection c, String schema) {
    this.c = c;
    this.schema = schema;
  }

  Map<String, List<RpcFunction>> load() throws SQLException {
    Map<Long, List<Column>> composites = compositeColumns();
    Map<String, List<RpcFunction>> functions = new HashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            """
            SELECT p.proname, p.provolatile, p.proretset, format_type(p.prorettype, NULL),
                   t.typtype, t.typrelid, p.pronargs, p.pronargdefaults,
                   p.proargnames, p.proargmodes::text[],
                   ARRAY(SELECT format_type(x, NULL)
                         FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]))
                              WITH ORDINALITY AS u(x, ord) ORDER BY ord)
            FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            JOIN pg_type t ON t.oid = p.prorettype
            WHERE n.nspname = ? AND p.prokind = 'f'
              AND t.typname NOT IN ('trigger', 'event_trigger')
            """)) {
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          RpcFunction f = function(rs, composites);
          functions.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f);
        }
      }
    }
    functions.replaceAll((k, v) -> List.copyOf(v));
    return functions;
  }

  private RpcFunction function(ResultSet rs, Map<Long, List<Column>> composites)
      throws SQLException {
    String name = rs.getString(1);
    boolean readOnly = !"v".equals(rs.getString(2));
    boolean set = rs.getBoolean(3);
    String returnType = rs.getString(4);
    String typtype = rs.getString(5);
    long typrelid = rs.getLong(6);
    int defaults = rs.getInt(8);
    List<String> names = SchemaCache.strings(rs.getArray(9));
    List<String> modes = SchemaCache.strings(rs.getArray(10));
    List<String> types = SchemaCache.strings(rs.getArray(11));

    List<Argument> inputs = new ArrayList<>();
    List<Column> outputs = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      String mode = modes.isEmpty() ? "i" : modes.get(i);
      String argName = i < names.size() ? names.get(i) : "";
      if (INPUT_MODES.contains(mode)) {
        inputs.add(new Argument(argName, types.get(i), false));
      }
      if (OUTPUT_MODES.contains(mode)) {
        outputs.add(new Column(argName, types.get(i), false));
      }
    }
    for (int i = inputs.size() - defaults; i < inputs.size(); i++) {
      Argument a = inputs.get(i);
      inputs.set(i, new Argument(a.name(), a.type(), true));
    }
    Shape shape;
    if (returnType.equals("void")) {
      shape = Shape.VOID;
    } else if ("c".equals(typtype)) {
      outputs = composites.getOrDefault(typrelid, List.of());
      shape = set ? Shape.COMPOSITE_SET : Shape.COMPOSITE;
    } else if (returnType.equals("record")) {
      shape =
          outputs.isEmpty() ? Shape.UNTYPED_RECORD : set ? Shape.COMPOSITE_SET : Shape.COMPOSITE;
    } else {
      outputs = List.of();
      shape = set ? Shape.SCALAR_SET : Shape.SCALAR;
    }
    return new RpcFunction(
        schema, name, List.copyOf(inputs), shape, returnType, List.copyOf(outputs), readOnly);
  }

  private Map<Long, List<Column>> compositeColumns() throws SQLException {
    Map<Long, List<Column>> columns = new HashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            """
            SELECT a.attrelid::int8, a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a
            WHERE a.attnum > 0 AND NOT a.attisdropped
              AND a.attrelid IN (SELECT t.typrelid FROM pg_proc p
                                 JOIN pg_namespace n ON n.oid = p.pronamespace
                                 JOIN pg_type t ON t.oid = p.prorettype
                                 WHERE n.nspname = ? AND t.typtype = 'c')
            ORDER BY a.attrelid, a.attnum
            """)) {
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns
              .computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
              .add(new Column(rs.getString(2), rs.getString(3), false));
        }
      }
    }
    return columns;
  }
}
