package com.casarerpa.fleet.devstack.rest;

import java.util.List;
import java.util.Map;

/**
 * Renders {@link Filter}s as a parameterised WHERE clause over a known set of columns. Column names
 * are checked against the catalog; values are always bound.
 */
final class Predicates {
  private static final Map<String, String> COMPARISONS =
      Map.ofEntries(
          Map.entry("eq", "="),
          Map.entry("neq", "<>"),
          Map.entry("gt", ">"),
          Map.entry("gte", ">="),
          Map.entry("lt", "<"),
          Map.entry("lte", "<="),
          Map.entry("like", "LIKE"),
          Map.entry("ilike", "ILIKE"),
          Map.entry("match", "~"),
          Map.entry("imatch", "~*"),
          Map.entry("isdistinct", "IS DISTINCT FROM"),
          Map.entry("cs", "@>"),
          Map.entry("cd", "<@"),
          Map.entry("ov", "&&"),
          Map.entry("sl", "<<"),
          Map.entry("sr", ">>"),
          Map.entry("nxr", "&<"),
          Map.entry("nxl", "&>"),
          Map.entry("adj", "-|-"));
  private static final Map<String, String> TEXT_SEARCH =
      Map.of(
          "fts", "to_tsquery",
          "plfts", "plainto_tsquery",
          "phfts", "phraseto_tsquery",
          "wfts", "websearch_to_tsquery");

  private final Target target;
  private final String qualifier;

  /**
   * @param target the columns filters may name
   * @param qualifier the alias columns are qualified with (one of ours), or null
   */
  Predicates(Target target, String qualifier) {
    this.target = target;
    this.qualifier = qualifier;
  }

  /** {@code a AND b AND …}, or an empty {@link Sql} when there are no filters. */
  Sql where(List<Filter> filters) {
    Sql sql = new Sql();
    for (Filter f : filters) {
      sql.append(sql.isEmpty() ? "" : " AND ").append(render(f));
    }
    return sql;
  }

  Sql render(Filter filter) {
    return switch (filter) {
      case Filter.Condition c -> condition(c);
      case Filter.Group g -> group(g);
    };
  }

  private Sql group(Filter.Group g) {
    Sql sql = new Sql().append(g.negated() ? "NOT (" : "(");
    for (int i = 0; i < g.children().size(); i++) {
      sql.append(i == 0 ? "" : g.or() ? " OR " : " AND ").append(render(g.children().get(i)));
    }
    return sql.append(")");
  }

  private Sql condition(Filter.Condition c) {
    Sql field = target.field(c.field(), qualifier);
    Sql sql = new Sql().append(c.negated() ? "NOT (" : "(").append(field);
    String op = c.operator();
    switch (op) {
      case "is" -> sql.append(" IS ").append(isValue(c.value()));
      case "in" -> in(sql, FilterParser.list(c.value()));
      case "fts", "plfts", "phfts", "wfts" -> {
        sql.append(" @@ ").append(TEXT_SEARCH.get(op)).append("(");
        if (c.modifier() != null) {
          sql.value(c.modifier()).append("::regconfig, ");
        }
        sql.value(c.value()).append(")");
      }
      default -> comparison(sql, c);
    }
    return sql.append(")");
  }

  private static void comparison(Sql sql, Filter.Condition c) {
    boolean pattern = c.operator().equals("like") || c.operator().equals("ilike");
    sql.append(" ").append(COMPARISONS.get(c.operator())).append(" ");
    if (c.modifier() == null) {
      sql.value(pattern ? c.value().replace('*', '%') : c.value());
      return;
    }
    if (!c.modifier().equals("any") && !c.modifier().equals("all")) {
      throw ApiError.badQuery(
          "\"failed to parse filter (" + c.operator() + "(" + c.modifier() + "))\"",
          "the modifier must be any or all");
    }
    String array = c.value();
    if (!array.startsWith("{") || !array.endsWith("}")) {
      throw ApiError.badQuery(
          "\"failed to parse filter (" + c.operator() + "(" + c.modifier() + ")." + array + ")\"",
          "expected an array literal, as in {a,b}");
    }
    sql.append(c.modifier().toUpperCase(java.util.Locale.ROOT))
        .append("(")
        .value(pattern ? array.replace('*', '%') : array)
        .append(")");
  }

  private static void in(Sql sql, List<String> items) {
    if (items.isEmpty()) {
      sql.append(" IS NULL AND false");
      return;
    }
    sql.append(" IN (");
    for (int i = 0; i < items.size(); i++) {
      sql.append(i == 0 ? "" : ", ").value(items.get(i));
    }
    sql.append(")");
  }

  private static String isValue(String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "null" -> "NULL";
      case "not_null" -> "NOT NULL";
      case "true" -> "TRUE";
      case "false" -> "FALSE";
      case "unknown" -> "UNKNOWN";
      default ->
          throw ApiError.badQuery(
              "\"failed to parse filter (is." + value + ")\"",
              "is takes null, not_null, true, false or unknown");
    };
  }

  /** The columns a request may name: a table, a view, or a function's result. */
  interface Target {
    /** Renders {@code field}, or throws 400 {@code 42703} when its column does not exist. */
    Sql field(Field field, String qualifier);
  }
}
