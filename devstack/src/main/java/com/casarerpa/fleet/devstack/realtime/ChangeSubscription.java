package com.casarerpa.fleet.devstack.realtime;

/**
 * One postgres_changes subscription of a channel.
 *
 * @param id the id the join reply gave this spec (delivered in {@code ids})
 * @param event {@code *}, {@code INSERT}, {@code UPDATE} or {@code DELETE}
 * @param schema the schema, or {@code *}
 * @param table the table, or {@code *}
 * @param filter the row filter, or null
 */
record ChangeSubscription(int id, String event, String schema, String table, ChangeFilter filter) {
  boolean matches(String changeSchema, String changeTable, String type) {
    return (event.equals("*") || event.equals(type))
        && (schema.equals("*") || schema.equals(changeSchema))
        && (table.equals("*") || table.equals(changeTable));
  }
}
