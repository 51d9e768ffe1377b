package com.casarerpa.fleet.devstack.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a read asks for: {@code select}, filters, {@code order}, {@code limit}/{@code offset} (or a
 * {@code Range} header).
 *
 * @param select the vertical filter
 * @param filters the horizontal filters, combined with AND
 * @param order the ORDER BY terms
 * @param limit the row limit, or null for none
 * @param offset rows to skip
 */
record ReadQuery(
    SelectList select, List<Filter> filters, List<OrderTerm> order, Long limit, long offset) {
  /** Query parameters that are never filters. */
  static final Set<String> RESERVED =
      Set.of("select", "order", "limit", "offset", "on_conflict", "columns", "apikey");

  /**
   * {@code order=a.desc.nullslast}.
   *
   * @param field the ordered column
   * @param descending DESC rather than ASC
   * @param nullsFirst NULLS FIRST / LAST, or null for the default
   */
  record OrderTerm(Field field, boolean descending, Boolean nullsFirst) {}

  /**
   * Parses the query string.
   *
   * @param params the decoded query parameters
   * @param range the {@code Range} header, or null
   * @param relationName used in error messages
   * @param isArgument names that are RPC arguments, not filters (for GET rpc)
   */
  static ReadQuery parse(
      Map<String, List<String>> params,
      String range,
      String relationName,
      Predicate<String> isArgument) {
    List<Filter> filters = new ArrayList<>();
    for (var entry : params.entrySet()) {
      String key = entry.getKey();
      if (RESERVED.contains(key) || isArgument.test(key)) {
        continue;
      }
      for (String value : entry.getValue()) {
        filters.add(
            FilterParser.isGroupKey(key)
                ? FilterParser.group(key, value)
                : FilterParser.condition(key, value));
      }
    }
    SelectList select = SelectList.parse(first(params, "select"), relationName);
    Long limit = number(first(params, "limit"), "limit");
    Long offset = number(first(params, "offset"), "offset");
    if (range != null && !range.isBlank()) {
      long[] bounds = range(range);
      offset = bounds[0];
      if (bounds[1] >= 0) {
        long fromRange = bounds[1] - bounds[0] + 1;
        limit = limit == null ? fromRange : Math.min(limit, fromRange);
      }
    }
    return new ReadQuery(
        select,
        List.copyOf(filters),
        order(first(params, "order")),
        limit,
        offset == null ? 0 : offset);
  }

  private static String first(Map<String, List<String>> params, String key) {
    List<String> values = params.get(key);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }

  private static Long number(String value, String name) {
    if (value == null) {
      return null;
    }
    try {
      long n = Long.parseLong(value.strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.badQuery(
          "\"failed to parse " + name + " parameter (" + value + ")\"",
          name + " must be a non-negative integer");
    }
  }

  private static long[] range(String header) {
    String spec = header.strip();
    int eq = spec.indexOf('=');
    if (eq >= 0) {
      spec = spec.substring(eq + 1);
    }
    int dash = spec.indexOf('-');
    try {
      if (dash < 0) {
        throw new NumberFormatException();
      }
      long from = Long.parseLong(spec.substring(0, dash).strip());
      String to = spec.substring(dash + 1).strip();
      long upper = to.isEmpty() ? -1 : Long.parseLong(to);
      if (from < 0 || (upper >= 0 && upper < from)) {
        throw new ApiError(
            416,
            "PGRST103",
            "Requested range not satisfiable",
            "The lower boundary must be lower than or equal to the upper boundary in the Range header.",
            null);
      }
      return new long[] {from, upper};
    } catch (NumberFormatException e) {
      throw ApiError.badQuery(
          "\"failed to parse Range header (" + header + ")\"", "expected a range such as 0-24");
    }
  }

  private static List<OrderTerm> order(String order) {
    if (order == null || order.isBlank()) {
      return List.of();
    }
    List<OrderTerm> terms = new ArrayList<>();
    for (String raw : FilterParser.splitTopLevel(order)) {
      String[] parts = raw.strip().split("\\.");
      Field field = Field.parse(parts[0]);
      boolean descending = false;
      Boolean nullsFirst = null;
      for (int i = 1; i < parts.length; i++) {
        switch (parts[i]) {
          case "asc" -> descending = false;
          case "desc" -> descending = true;
          case "nullsfirst" -> nullsFirst = true;
          case "nullslast" -> nullsFirst = false;
          default ->
              throw ApiError.badQuery(
                  "\"failed to parse order (" + order + ")\"",
                  "unexpected '" + parts[i] + "', expecting asc, desc, nullsfirst or nullslast");
        }
      }
      terms.add(new OrderTerm(field, descending, nullsFirst));
    }
    return List.copyOf(terms);
  }

  /** {@code ORDER BY …} (with a leading space), or empty. */
  Sql orderBy(Predicates.Target target, String qualifier) {
    Sql sql = new Sql();
    for (OrderTerm term : order) {
      sql.append(sql.isEmpty() ? " ORDER BY " : ", ").append(target.field(term.field(), qualifier));
      sql.append(term.descending() ? " DESC" : " ASC");
      if (term.nullsFirst() != null) {
        sql.append(term.nullsFirst() ? " NULLS FIRST" : " NULLS LAST");
      }
    }
    return sql;
  }

  /** {@code LIMIT n OFFSET m} capped at {@code maxRows} (with a leading space). */
  String page(long maxRows) {
    long effective = limit == null ? maxRows : Math.min(limit, maxRows);
    return " LIMIT " + effective + (offset > 0 ? " OFFSET " + offset : "");
  }
}
