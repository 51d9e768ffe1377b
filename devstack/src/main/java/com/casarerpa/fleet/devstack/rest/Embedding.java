package com.casarerpa.fleet.devstack.rest;

import java.util.ArrayList;
import java.util.List;

/**
 * Resource embedding ({@code select=*,robots(name)}) through the exposed schema's foreign keys, as
 * PostgREST does: a foreign key from the parent gives one object (or null), a foreign key to the
 * parent gives an array. Each embed is a correlated subquery run under the caller's role, so RLS
 * applies to embedded rows too. Filters on embedded resources and {@code !inner} are not supported.
 */
final class Embedding implements SelectList.Embedder {
  private final SchemaCache cache;
  private final Relation parent;
  private final SelectList.CastTypes castTypes;
  private final int depth;

  Embedding(SchemaCache cache, Relation parent, SelectList.CastTypes castTypes) {
    this(cache, parent, castTypes, 1);
  }

  private Embedding(SchemaCache cache, Relation parent, SelectList.CastTypes castTypes, int depth) {
    this.cache = cache;
    this.parent = parent;
    this.castTypes = castTypes;
    this.depth = depth;
  }

  /** How two relations are joined: which columns of each, and whether the child is one row. */
  private record Join(
      ForeignKey key, boolean toOne, List<String> parentColumns, List<String> childColumns) {}

  @Override
  public Sql embed(SelectList.Item item, String qualifier) {
    SelectList.Embed embed = item.embed();
    Relation child = cache.relation(embed.relation()).orElseThrow(() -> noRelationship(embed));
    Join join = choose(child, embed);
    String alias = "pgrst_e" + depth;
    String rows = "pgrst_x" + depth;
    ColumnTarget target =
        new ColumnTarget(child.name(), child.columns(), () -> cache.refreshed(child).columns());
    Sql select =
        embed
            .select()
            .render(target, alias, castTypes, new Embedding(cache, child, castTypes, depth + 1));
    String aggregate =
        join.toOne() ? "row_to_json(" + rows + ")" : "coalesce(json_agg(" + rows + "), '[]')";
    Sql sql =
        new Sql()
            .append("(SELECT " + aggregate + " FROM (SELECT ")
            .append(select)
            .append(" FROM " + child.qualifiedName() + " " + alias + " WHERE ");
    for (int i = 0; i < join.childColumns().size(); i++) {
      sql.append(i == 0 ? "" : " AND ")
          .append(alias + "." + Sql.ident(join.childColumns().get(i)))
          .append(" = " + qualifier + "." + Sql.ident(join.parentColumns().get(i)));
    }
    return sql.append(") " + rows + ")");
  }

  private Join choose(Relation child, SelectList.Embed embed) {
    List<Join> joins = joins(cache.foreignKeys(), child, embed);
    if (joins.isEmpty()) {
      joins = joins(cache.refreshedForeignKeys(), child, embed);
    }
    if (joins.isEmpty()) {
      throw noRelationship(embed);
    }
    if (joins.size() > 1) {
      throw ambiguous(joins, embed);
    }
    return joins.getFirst();
  }

  private List<Join> joins(List<ForeignKey> keys, Relation child, SelectList.Embed embed) {
    List<Join> joins = new ArrayList<>();
    for (ForeignKey key : keys) {
      if (key.table().equals(parent.name()) && key.referencedTable().equals(child.name())) {
        joins.add(new Join(key, true, key.columns(), key.referencedColumns()));
      }
      if (key.table().equals(child.name()) && key.referencedTable().equals(parent.name())) {
        joins.add(new Join(key, false, key.referencedColumns(), key.columns()));
      }
    }
    if (embed.hint() != null) {
      joins.removeIf(
          j ->
              !j.key().name().equals(embed.hint())
                  && !j.key().columns().equals(List.of(embed.hint())));
    }
    return joins;
  }

  private ApiError ambiguous(List<Join> joins, SelectList.Embed embed) {
    return new ApiError(
        300,
        "PGRST201",
        "Could not embed because more than one relationship was found for '"
            + parent.name()
            + "' and '"
            + embed.relation()
            + "'",
        null,
        "Try changing '"
            + embed.relation()
            + "' to one of the following: "
            + String.join(
                ", ",
                joins.stream()
                    .map(j -> "'" + embed.relation() + "!" + j.key().name() + "'")
                    .toList())
            + ". Find the desired relationship in the 'details' key.");
  }

  private ApiError noRelationship(SelectList.Embed embed) {
    return new ApiError(
        400,
        "PGRST200",
        "Could not find a relationship between '"
            + parent.name()
            + "' and '"
            + embed.relation()
            + "' in the schema cache",
        "Searched for a foreign key relationship between '"
            + parent.name()
            + "' and '"
            + embed.relation()
            + (embed.hint() == null ? "" : "' using the hint '" + embed.hint())
            + "' in the schema '"
            + cache.schema()
            + "', but no matches were found.",
        null);
  }
}
