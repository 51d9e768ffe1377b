package com.casarerpa.fleet.devstack.rest;

import java.util.ArrayList;
import java.util.List;

/**
 * The vertical filter {@code select=a,alias:b,c::text,data->>k,*,alias:rel!hint(…)}; embedded
 * resources are rendered by an {@link Embedder} (see {@link Embedding}).
 */
final class SelectList {
  /**
   * One selected item.
   *
   * @param field the column (null for {@code *})
   * @param alias the output name (null: the field's default)
   * @param cast a type name to cast to (resolved through the catalog), or null
   */
  record Item(Field field, String alias, String cast, Embed embed) {
    Item(Field field, String alias, String cast) {
      this(field, alias, cast, null);
    }

    boolean star() {
      return field == null && embed == null;
    }
  }

  /**
   * An embedded resource: {@code alias:relation!hint(select)}.
   *
   * @param relation the related table or view
   * @param hint a foreign key name or column that picks the relationship, or null
   * @param select what to select from it
   */
  record Embed(String relation, String hint, SelectList select) {}

  /** Renders embedded resources as correlated subqueries (null: embedding unsupported here). */
  interface Embedder {
    Sql embed(Item item, String qualifier);
  }

  private final List<Item> items;

  private SelectList(List<Item> items) {
    this.items = items;
  }

  static SelectList all() {
    return new SelectList(List.of(new Item(null, null, null)));
  }

  static SelectList parse(String select, String relationName) {
    if (select == null || select.isBlank()) {
      return all();
    }
    List<Item> items = new ArrayList<>();
    for (String raw : FilterParser.splitTopLevel(select)) {
      String text = raw.strip();
      if (text.isEmpty()) {
        throw ApiError.badQuery(
            "\"failed to parse select parameter (" + select + ")\"", "empty item");
      }
      if (text.contains("(")) {
        items.add(embed(text, select));
        continue;
      }
      items.add(item(text));
    }
    return new SelectList(List.copyOf(items));
  }

  private static Item embed(String text, String whole) {
    int open = text.indexOf('(');
    if (!text.endsWith(")")) {
      throw ApiError.badQuery(
          "\"failed to parse select parameter (" + whole + ")\"", "unbalanced parentheses");
    }
    String head = text.substring(0, open).strip();
    String inner = text.substring(open + 1, text.length() - 1);
    String alias = null;
    int colon = head.indexOf(':');
    if (colon >= 0) {
      alias = head.substring(0, colon).strip();
      head = head.substring(colon + 1).strip();
    }
    if (head.startsWith("...") || head.isEmpty()) {
      throw new ApiError(
          400,
          "PGRST100",
          "\"failed to parse select parameter (" + whole + ")\"",
          "Spread embedding (...) and aggregates are not supported by the local stack.",
          null);
    }
    String hint = null;
    int bang = head.indexOf('!');
    if (bang >= 0) {
      hint = head.substring(bang + 1).strip();
      head = head.substring(0, bang).strip();
      if (hint.equals("inner") || hint.equals("left") || hint.contains("!")) {
        throw new ApiError(
            400,
            "PGRST100",
            "\"failed to parse select parameter (" + whole + ")\"",
            "!inner/!left joins are not supported by the local stack; embed without them.",
            null);
      }
    }
    return new Item(
        null, alias == null ? head : alias, null, new Embed(head, hint, parse(inner, head)));
  }

  private static Item item(String text) {
    String cast = null;
    int castAt = text.indexOf("::");
    if (castAt >= 0) {
      cast = text.substring(castAt + 2).strip();
      text = text.substring(0, castAt);
    }
    String alias = null;
    int colon = text.indexOf(':');
    if (colon >= 0) {
      alias = text.substring(0, colon).strip();
      text = text.substring(colon + 1).strip();
    }
    if (text.equals("*")) {
      return new Item(null, null, null);
    }
    return new Item(Field.parse(text), alias, cast);
  }

  /**
   * Renders the select list over {@code target}. {@code castTypes} resolves type names through the
   * catalog so that no user text is spliced.
   */
  Sql render(Predicates.Target target, String qualifier, CastTypes castTypes) {
    return render(target, qualifier, castTypes, null);
  }

  /** As above; {@code embedder} renders embedded resources (null: they are refused). */
  Sql render(Predicates.Target target, String qualifier, CastTypes castTypes, Embedder embedder) {
    Sql sql = new Sql();
    for (Item item : items) {
      sql.append(sql.isEmpty() ? "" : ", ");
      if (item.embed() != null) {
        if (embedder == null) {
          throw new ApiError(
              400,
              "PGRST200",
              "Could not find a relationship for '"
                  + item.embed().relation()
                  + "' in the schema cache",
              "Embedding is only supported on tables and views.",
              null);
        }
        sql.append(embedder.embed(item, qualifier)).append(" AS ").append(Sql.ident(item.alias()));
        continue;
      }
      if (item.star()) {
        sql.append(qualifier + ".*");
        continue;
      }
      Sql expr = target.field(item.field(), qualifier);
      if (item.cast() != null) {
        sql.append("CAST(").append(expr).append(" AS " + castTypes.resolve(item.cast()) + ")");
      } else {
        sql.append(expr);
      }
      String alias = item.alias() != null ? item.alias() : item.field().defaultAlias();
      sql.append(" AS ").append(Sql.ident(alias));
    }
    return sql;
  }

  /** Resolves a type name to its canonical catalog spelling, or fails with 400. */
  interface CastTypes {
    String resolve(String name);
  }
}
