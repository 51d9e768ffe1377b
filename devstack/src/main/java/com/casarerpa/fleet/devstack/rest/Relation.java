package com.casarerpa.fleet.devstack.rest;

import java.util.List;
import java.util.Map;

/**
 * A table or view exposed under {@code /rest/v1/<name>}.
 *
 * @param schema its schema
 * @param name its name
 * @param columns its columns by name, in table order
 * @param primaryKey primary key columns (empty for views and tables without one)
 */
record Relation(String schema, String name, Map<String, Column> columns, List<String> primaryKey) {
  /** {@code "schema"."name"}, quoted from catalog names. */
  String qualifiedName() {
    return Sql.ident(schema) + "." + Sql.ident(name);
  }
}
