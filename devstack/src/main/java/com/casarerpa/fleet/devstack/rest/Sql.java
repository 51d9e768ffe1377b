package com.casarerpa.fleet.devstack.rest;

import java.util.ArrayList;
import java.util.List;

/**
 * A SQL text under construction with its bind values. Values are always bound ({@code ?}); names
 * are spliced only through {@link #ident}, and only names found in the catalog or chosen by us.
 */
final class Sql {
  private final StringBuilder text = new StringBuilder();
  private final List<Object> values = new ArrayList<>();

  /** {@code name} as a quoted identifier. */
  static String ident(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  Sql append(String sql) {
    text.append(sql);
    return this;
  }

  /** Appends a {@code ?} bound to {@code value} (sent untyped, so PostgreSQL infers the type). */
  Sql value(Object value) {
    text.append('?');
    values.add(value);
    return this;
  }

  Sql append(Sql other) {
    text.append(other.text);
    values.addAll(other.values);
    return this;
  }

  boolean isEmpty() {
    return text.isEmpty();
  }

  String text() {
    return text.toString();
  }

  List<Object> values() {
    return values;
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
