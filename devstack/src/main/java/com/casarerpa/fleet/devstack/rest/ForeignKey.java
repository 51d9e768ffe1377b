package com.casarerpa.fleet.devstack.rest;

import java.util.List;

/**
 * A foreign key between two relations of the exposed schema, used for resource embedding.
 *
 * @param name the constraint name (usable as an embedding hint)
 * @param table the referencing table
 * @param columns the referencing columns, in key order
 * @param referencedTable the referenced table
 * @param referencedColumns the referenced columns, in key order
 */
record ForeignKey(
    String name,
    String table,
    List<String> columns,
    String referencedTable,
    List<String> referencedColumns) {}
