package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One captured row change.
 *
 * @param id capture id (ascending)
 * @param schema table schema
 * @param table table name
 * @param type {@code INSERT}, {@code UPDATE} or {@code DELETE}
 * @param newRow the row after (INSERT, UPDATE), {@code to_jsonb} values
 * @param oldRow the full row before (UPDATE, DELETE); cut to the replica identity on delivery
 * @param commitTimestamp when the change was made
 */
record Change(
    long id,
    String schema,
    String table,
    String type,
    JsonNode newRow,
    JsonNode oldRow,
    Instant commitTimestamp) {}
