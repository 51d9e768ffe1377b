package com.casarerpa.fleet.devstack.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Parses PostgREST's horizontal filter syntax into {@link Filter}s. */
final class FilterParser {
  static final Set<String> OPERATORS =
      Set.of(
          "eq",
          "neq",
          "gt",
          "gte",
          "lt",
          "lte",
          "like",
          "ilike",
          "match",
          "imatch",
          "in",
          "is",
          "isdistinct",
          "cs",
          "cd",
          "ov",
          "sl",
          "sr",
          "nxr",
          "nxl",
          "adj",
          "fts",
          "plfts",
          "phfts",
          "wfts");

  private FilterParser() {}

  /** Whether {@code key} is a logic group ({@code or}, {@code and}, {@code not.or}, …). */
  static boolean isGroupKey(String key) {
    return key.equals("or") || key.equals("and") || key.equals("not.or") || key.equals("not.and");
  }

  /** {@code key=value} where the key is a column: {@code id=not.in.(1,2)}. */
  static Filter.Condition condition(String key, String value) {
    if (key.isBlank()) {
      throw ApiError.badQuery("failed to parse filter (" + value + ")", "missing column name");
    }
    String rest = value;
    boolean negated = rest.startsWith("not.");
    if (negated) {
      rest = rest.substring(4);
    }
    int dot = rest.indexOf('.');
    if (dot < 0) {
      throw ApiError.badQuery(
          "\"failed to parse filter (" + value + ")\"",
          "expected an operator followed by a value, as in eq.5");
    }
    String op = rest.substring(0, dot);
    String modifier = null;
    int paren = op.indexOf('(');
    if (paren > 0 && op.endsWith(")")) {
      modifier = op.substring(paren + 1, op.length() - 1);
      op = op.substring(0, paren);
    }
    if (!OPERATORS.contains(op)) {
      throw ApiError.badQuery(
          "\"failed to parse filter (" + value + ")\"",
          "unknown operator '" + op + "'; expected one of " + String.join(", ", sorted()));
    }
    return new Filter.Condition(Field.parse(key), negated, op, modifier, rest.substring(dot + 1));
  }

  /** {@code or=(a.eq.1,and(b.gt.2,c.is.null))}. */
  static Filter.Group group(String key, String value) {
    boolean negated = key.startsWith("not.");
    boolean or = key.endsWith("or");
    String v = value.trim();
    if (!v.startsWith("(") || !v.endsWith(")")) {
      throw ApiError.badQuery(
          "\"failed to parse logic tree (" + value + ")\"",
          "expected a parenthesised list, as in or=(a.eq.1,b.eq.2)");
    }
    List<Filter> children = new ArrayList<>();
    for (String item : splitTopLevel(v.substring(1, v.length() - 1))) {
      children.add(groupItem(item.trim(), value));
    }
    if (children.isEmpty()) {
      throw ApiError.badQuery("\"failed to parse logic tree (" + value + ")\"", "empty list");
    }
    return new Filter.Group(or, negated, List.copyOf(children));
  }

  private static Filter groupItem(String item, String whole) {
    for (String prefix : List.of("not.and(", "not.or(", "and(", "or(")) {
      if (item.startsWith(prefix)) {
        String key = prefix.substring(0, prefix.length() - 1);
        return group(key, item.substring(key.length()));
      }
    }
    int dot = item.indexOf('.');
    if (dot <= 0) {
      throw ApiError.badQuery(
          "\"failed to parse logic tree (" + whole + ")\"",
          "expected column.operator.value, got '" + item + "'");
    }
    return condition(item.substring(0, dot), item.substring(dot + 1));
  }

  /** Splits on commas outside parentheses, braces and double quotes. */
  static List<String> splitTopLevel(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '\\' && quoted && i + 1 < text.length()) {
        current.append(ch).append(text.charAt(++i));
        continue;
      }
      if (ch == '"') {
        quoted = !quoted;
      } else if (!quoted && (ch == '(' || ch == '{' || ch == '[')) {
        depth++;
      } else if (!quoted && (ch == ')' || ch == '}' || ch == ']')) {
        depth--;
      } else if (!quoted && depth == 0 && ch == ',') {
        parts.add(current.toString());
        current.setLength(0);
        continue;
      }
      current.append(ch);
    }
    if (quoted || depth != 0) {
      throw ApiError.badQuery(
          "\"failed to parse (" + text + ")\"", "unbalanced quotes or parentheses");
    }
    if (!current.isEmpty() || !parts.isEmpty()) {
      parts.add(current.toString());
    }
    return parts;
  }

  /** The items of an {@code in} list: {@code (1,2,"a,b")}; double quotes protect reserved chars. */
  static List<String> list(String value) {
    String v = value.trim();
    if (!v.startsWith("(") || !v.endsWith(")")) {
      throw ApiError.badQuery(
          "\"failed to parse filter (in." + value + ")\"",
          "expected a parenthesised list, as in in.(1,2,3)");
    }
    List<String> items = new ArrayList<>();
    for (String raw : splitTopLevel(v.substring(1, v.length() - 1))) {
      items.add(unquote(raw.trim()));
    }
    return items;
  }

  static String unquote(String raw) {
    if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
      return raw.substring(1, raw.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return raw;
  }

  private static List<String> sorted() {
    return OPERATORS.stream().sorted().toList();
  }
}
