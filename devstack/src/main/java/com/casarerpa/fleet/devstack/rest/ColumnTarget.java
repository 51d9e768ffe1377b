package com.casarerpa.fleet.devstack.rest;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The columns a request may name, with one refresh of the schema cache when a name is unknown (the
 * column may have been added since the cache was loaded).
 */
final class ColumnTarget implements Predicates.Target {
  private final String displayName;
  private Map<String, Column> columns;
  private Supplier<Map<String, Column>> refresh;

  ColumnTarget(
      String displayName, Map<String, Column> columns, Supplier<Map<String, Column>> refresh) {
    this.displayName = displayName;
    this.columns = columns;
    this.refresh = refresh;
  }

  /** The column {@code name}, or null when it does not exist even after a refresh. */
  Column column(String name) {
    Column column = columns.get(name);
    if (column == null && refresh != null) {
      columns = refresh.get();
      refresh = null;
      column = columns.get(name);
    }
    return column;
  }

  Map<String, Column> columns() {
    return columns;
  }

  @Override
  public Sql field(Field field, String qualifier) {
    if (column(field.column()) == null) {
      throw new ApiError(
          400,
          "42703",
          "column " + displayName + "." + field.column() + " does not exist",
          null,
          null);
    }
    return field.render(qualifier);
  }
}
