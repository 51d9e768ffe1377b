package com.casarerpa.fleet.devstack.rest;

import java.util.ArrayList;
import java.util.List;

/**
 * A column reference from the query string, with an optional JSON path: {@code data->a->>b}.
 *
 * @param column the column name (checked against the catalog before use)
 * @param path the JSON steps; each is {@code ->} or {@code ->>} with a key or array index
 */
record Field(String column, List<Step> path) {
  /** One JSON step: {@code arrow} is {@code ->} or {@code ->>}. */
  record Step(String arrow, String key) {}

  static Field parse(String text) {
    int arrow = text.indexOf("->");
    if (arrow < 0) {
      return new Field(text.trim(), List.of());
    }
    String column = text.substring(0, arrow).trim();
    List<Step> steps = new ArrayList<>();
    int i = arrow;
    while (i < text.length()) {
      if (!text.startsWith("->", i)) {
        throw ApiError.badQuery(
            "failed to parse JSON path (" + text + ")", "expected -> or ->> at " + i);
      }
      String op = text.startsWith("->>", i) ? "->>" : "->";
      i += op.length();
      int next = text.indexOf("->", i);
      String key = (next < 0 ? text.substring(i) : text.substring(i, next)).trim();
      if (key.isEmpty()) {
        throw ApiError.badQuery("failed to parse JSON path (" + text + ")", "empty key");
      }
      steps.add(new Step(op, key));
      i = next < 0 ? text.length() : next;
    }
    if (column.isEmpty()) {
      throw ApiError.badQuery("failed to parse JSON path (" + text + ")", "missing column name");
    }
    return new Field(column, List.copyOf(steps));
  }

  /** The name PostgREST gives this field in results: the last JSON key, else the column. */
  String defaultAlias() {
    return path.isEmpty() ? column : path.getLast().key();
  }

  /** Renders {@code qualifier."column"->'key'...}; keys and indexes are bound values. */
  Sql render(String qualifier) {
    Sql sql = new Sql();
    sql.append(qualifier == null ? "" : qualifier + ".").append(Sql.ident(column));
    for (Step step : path) {
      sql.append(step.arrow());
      if (step.key().matches("-?\\d+")) {
        sql.value(step.key()).append("::int");
      } else {
        sql.value(step.key()).append("::text");
      }
    }
    return sql;
  }
}
