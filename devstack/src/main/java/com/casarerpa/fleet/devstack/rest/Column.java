package com.casarerpa.fleet.devstack.rest;

/**
 * A column of a table, view or function result, as the catalog describes it.
 *
 * @param name the column name
 * @param type its type as {@code format_type} prints it (safe to splice into SQL)
 * @param hasDefault whether a DEFAULT, identity or generated value exists
 */
record Column(String name, String type, boolean hasDefault) {}
