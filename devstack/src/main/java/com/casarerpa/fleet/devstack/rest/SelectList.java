package com.casarerpa.fleet.devstack.rest;

import java.util.ArrayList;
import java.util.List;

/**
 * The vertical filter {@code select=a,alias:b,c::text,data->>k,*}. Resource embedding ({@code
 * rel(*)}) is not supported by the local stack and is refused with PostgREST's {@code PGRST200}.
 */
final class SelectList {
  /**
   * One selected item.
   *
   * @param field the column (null for {@code *})
   * @param alias the output name (null: the field's default)
   * @param cast a type name to cast to (resolved through the catalog), or null
   */
  record Item(Field field, String alias, String cast) {
    boolean star() {
      return field == null;
    }
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
        String name = text.substring(0, text.indexOf('(')).replace("...", "");
        throw new ApiError(
            400,
            "PGRST200",
            "Could not find a relationship between '"
                + relationName
                + "' and '"
                + name
                + "' in the schema cache",
            "Resource embedding and aggregates are not supported by the local stack.",
            "Select plain columns, or call an RPC that returns the joined shape.");
      }
      items.add(item(text));
    }
    return new SelectList(List.copyOf(items));
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
    Sql sql = new Sql();
    for (Item item : items) {
      sql.append(sql.isEmpty() ? "" : ", ");
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
