package com.casarerpa.fleet.devstack.realtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A postgres_changes filter, {@code column=op.value}, with the operators Supabase documents: {@code
 * eq neq lt lte gt gte in}; {@code in} takes {@code (a,b,c)} (at most 100 values). Values are
 * compared in SQL after casting to the column's type.
 *
 * @param column the column name
 * @param operator one of the supported operators
 * @param values one value, or the list of {@code in}
 */
record ChangeFilter(String column, String operator, List<String> values) {
  static final Set<String> OPERATORS = Set.of("eq", "neq", "lt", "lte", "gt", "gte", "in");
  static final int MAX_IN_VALUES = 100;

  /** Thrown with Supabase's "Error parsing `filter` params: …" text. */
  static final class InvalidFilterException extends Exception {
    InvalidFilterException(String message) {
      super(message);
    }
  }

  /** Parses one filter; null or blank means no filter. */
  static ChangeFilter parse(String filter) throws InvalidFilterException {
    if (filter == null || filter.isBlank()) {
      return null;
    }
    String trimmed = filter.trim();
    int eq = trimmed.indexOf('=');
    if (eq < 0) {
      throw invalid(List.of(trimmed));
    }
    String column = trimmed.substring(0, eq);
    String rest = trimmed.substring(eq + 1);
    int dot = rest.indexOf('.');
    if (dot < 0) {
      throw invalid(List.of(rest));
    }
    String operator = rest.substring(0, dot);
    String value = rest.substring(dot + 1);
    if (!OPERATORS.contains(operator)) {
      throw invalid(List.of(operator, value));
    }
    if (!operator.equals("in")) {
      return new ChangeFilter(column, operator, List.of(unquote(value)));
    }
    if (value.length() < 2 || !value.startsWith("(") || !value.endsWith(")")) {
      throw new InvalidFilterException(
          "Error parsing `filter` params: `in` filter value must be wrapped by parentheses");
    }
    List<String> values = new ArrayList<>();
    for (String part : value.substring(1, value.length() - 1).split(",", -1)) {
      values.add(unquote(part.trim()));
    }
    if (values.size() > MAX_IN_VALUES) {
      throw new InvalidFilterException(
          "Error parsing `filter` params: `in` filter accepts at most "
              + MAX_IN_VALUES
              + " values");
    }
    return new ChangeFilter(column, operator, List.copyOf(values));
  }

  /** The SQL comparison for a column expression and a parameter placeholder. */
  String sqlOperator() {
    return switch (operator) {
      case "eq" -> "=";
      case "neq" -> "<>";
      case "lt" -> "<";
      case "lte" -> "<=";
      case "gt" -> ">";
      case "gte" -> ">=";
      case "in" -> "= ANY";
      default -> throw new IllegalStateException(operator);
    };
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1).replace("\\\"", "\"");
    }
    return value;
  }

  private static InvalidFilterException invalid(List<String> parts) {
    StringBuilder inspected = new StringBuilder("[");
    for (int i = 0; i < parts.size(); i++) {
      inspected.append(i == 0 ? "" : ", ").append('"').append(parts.get(i)).append('"');
    }
    return new InvalidFilterException("Error parsing `filter` params: " + inspected + "]");
  }
}
