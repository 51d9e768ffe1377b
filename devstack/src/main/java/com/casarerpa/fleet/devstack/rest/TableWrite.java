package com.casarerpa.fleet.devstack.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds INSERT / UPDATE statements from a JSON body for one relation. Values travel as one bound
 * JSON document and are converted by {@code json_populate_record(set)}, as PostgREST does; column
 * names come from the catalog.
 */
final class TableWrite {
  static final String ALIAS = "pgrst_t";

  private final Relation relation;
  private final ColumnTarget target;

  TableWrite(Relation relation, ColumnTarget target) {
    this.relation = relation;
    this.target = target;
  }

  /** The rows of a POST body: one object or an array of objects. */
  static List<JsonNode> rows(JsonNode body) {
    List<JsonNode> rows = new ArrayList<>();
    if (body.isObject()) {
      rows.add(body);
    } else if (body.isArray()) {
      for (JsonNode row : body) {
        if (!row.isObject()) {
          throw ApiError.badBody("All array items must be JSON objects");
        }
        rows.add(row);
      }
    } else {
      throw ApiError.badBody("The request body must be a JSON object or an array of JSON objects");
    }
    return rows;
  }

  /** The columns to write: {@code columns=} if given, else the keys of every row in order. */
  List<String> columns(List<JsonNode> rows, String columnsParam) {
    Set<String> names = new LinkedHashSet<>();
    if (columnsParam != null) {
      for (String raw : FilterParser.splitTopLevel(columnsParam)) {
        names.add(FilterParser.unquote(raw.strip()));
      }
    } else {
      rows.forEach(row -> row.fieldNames().forEachRemaining(names::add));
    }
    for (String name : names) {
      if (target.column(name) == null) {
        throw new ApiError(
            400,
            "PGRST204",
            "Could not find the '"
                + name
                + "' column of '"
                + relation.name()
                + "' in the schema cache",
            null,
            null);
      }
    }
    return List.copyOf(names);
  }

  /**
   * {@code INSERT INTO rel AS pgrst_t (cols) …} for {@code rows}; {@code bodyArray} is the rows as
   * one JSON array text.
   */
  Sql insert(
      List<JsonNode> rows,
      String bodyArray,
      List<String> columns,
      boolean missingDefault,
      String resolution,
      List<String> onConflict) {
    Sql sql = new Sql().append("INSERT INTO " + relation.qualifiedName() + " AS " + ALIAS);
    if (columns.isEmpty()) {
      if (rows.size() != 1) {
        throw ApiError.badBody("Cannot insert several rows that have no columns");
      }
      sql.append(" DEFAULT VALUES");
    } else {
      sql.append(" (").append(identList(columns)).append(")");
      if (missingDefault) {
        valuesWithDefaults(sql, rows, columns);
      } else {
        sql.append(" SELECT ")
            .append(identList(columns))
            .append(" FROM json_populate_recordset(NULL::" + relation.qualifiedName() + ", ")
            .value(bodyArray)
            .append("::json) pgrst_body");
      }
    }
    if (resolution != null) {
      onConflict(sql, columns, resolution, onConflict);
    }
    return sql;
  }

  private void valuesWithDefaults(Sql sql, List<JsonNode> rows, List<String> columns) {
    sql.append(" VALUES ");
    for (int r = 0; r < rows.size(); r++) {
      JsonNode row = rows.get(r);
      sql.append(r == 0 ? "(" : ", (");
      for (int i = 0; i < columns.size(); i++) {
        String column = columns.get(i);
        sql.append(i == 0 ? "" : ", ");
        if (row.has(column)) {
          sql.append("(json_populate_record(NULL::" + relation.qualifiedName() + ", ")
              .value(row.toString())
              .append("::json))." + Sql.ident(column));
        } else {
          sql.append("DEFAULT");
        }
      }
      sql.append(")");
    }
  }

  private void onConflict(
      Sql sql, List<String> columns, String resolution, List<String> onConflict) {
    List<String> keys = onConflict.isEmpty() ? relation.primaryKey() : onConflict;
    for (String key : keys) {
      if (target.column(key) == null) {
        throw new ApiError(
            400,
            "42703",
            "column " + relation.name() + "." + key + " does not exist",
            null,
            "on_conflict must name columns of a unique constraint");
      }
    }
    sql.append(" ON CONFLICT");
    if (!keys.isEmpty()) {
      sql.append(" (").append(identList(keys)).append(")");
    }
    if (resolution.equals("ignore-duplicates") || columns.isEmpty()) {
      sql.append(" DO NOTHING");
      return;
    }
    sql.append(" DO UPDATE SET ");
    for (int i = 0; i < columns.size(); i++) {
      String c = Sql.ident(columns.get(i));
      sql.append(i == 0 ? "" : ", ").append(c + " = EXCLUDED." + c);
    }
  }

  /** {@code UPDATE rel AS pgrst_t SET c = (json_populate_record(NULL::rel, $body)).c …}. */
  Sql update(String bodyObject, List<String> columns) {
    Sql sql = new Sql().append("UPDATE " + relation.qualifiedName() + " AS " + ALIAS + " SET ");
    for (int i = 0; i < columns.size(); i++) {
      String c = Sql.ident(columns.get(i));
      sql.append(i == 0 ? "" : ", ")
          .append(c + " = (json_populate_record(NULL::" + relation.qualifiedName() + ", ")
          .value(bodyObject)
          .append("::json))." + c);
    }
    return sql;
  }

  static String identList(List<String> names) {
    return String.join(", ", names.stream().map(Sql::ident).toList());
  }
}
