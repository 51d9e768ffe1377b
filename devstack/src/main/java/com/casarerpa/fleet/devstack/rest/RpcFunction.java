package com.casarerpa.fleet.devstack.rest;

import java.util.List;

/**
 * A function callable under {@code /rest/v1/rpc/<name>}.
 *
 * @param schema its schema
 * @param name its name
 * @param arguments its input arguments in order
 * @param shape how its result becomes a response body
 * @param returnType the return type as {@code format_type} prints it
 * @param outputColumns the columns of a composite result (empty otherwise)
 * @param readOnly STABLE or IMMUTABLE: runs in a read-only transaction, callable with GET
 */
record RpcFunction(
    String schema,
    String name,
    List<Argument> arguments,
    Shape shape,
    String returnType,
    List<Column> outputColumns,
    boolean readOnly) {

  /** How a function's result maps onto the response. */
  enum Shape {
    VOID,
    SCALAR,
    COMPOSITE,
    SCALAR_SET,
    COMPOSITE_SET,
    UNTYPED_RECORD
  }

  /**
   * An input argument.
   *
   * @param name its name (empty for an unnamed argument)
   * @param type its type as {@code format_type} prints it
   * @param hasDefault whether callers may omit it
   */
  record Argument(String name, String type, boolean hasDefault) {}

  String qualifiedName() {
    return Sql.ident(schema) + "." + Sql.ident(name);
  }

  /** A single unnamed json/jsonb argument: the whole request body is passed to it. */
  boolean takesWholeBody() {
    return arguments.size() == 1
        && arguments.getFirst().name().isEmpty()
        && (arguments.getFirst().type().equals("json")
            || arguments.getFirst().type().equals("jsonb"));
  }

  boolean returnsSet() {
    return shape == Shape.SCALAR_SET || shape == Shape.COMPOSITE_SET;
  }
}
