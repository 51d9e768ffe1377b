package com.casarerpa.fleet.devstack.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterParserTest {
  private static final Predicates.Target ANY_COLUMN = (field, qualifier) -> field.render(qualifier);

  private static Sql where(String key, String value) {
    ReadQuery query = ReadQuery.parse(Map.of(key, List.of(value)), null, "t", k -> false);
    return new Predicates(ANY_COLUMN, "t").where(query.filters());
  }

  @Test
  void values_are_bound_never_spliced() {
    Sql sql = where("name", "eq.x'); DROP TABLE users; --");
    assertThat(sql.text()).isEqualTo("(t.\"name\" = ?)");
    assertThat(sql.values()).containsExactly("x'); DROP TABLE users; --");
  }

  @Test
  void column_names_are_quoted_as_identifiers() {
    Sql sql = where("a\"b", "eq.1");
    assertThat(sql.text()).isEqualTo("(t.\"a\"\"b\" = ?)");
  }

  @Test
  void in_lists_honour_double_quotes_and_not_negates() {
    Sql sql = where("tag", "not.in.(a,\"b,c\",d)");
    assertThat(sql.text()).isEqualTo("NOT (t.\"tag\" IN (?, ?, ?))");
    assertThat(sql.values()).containsExactly("a", "b,c", "d");
  }

  @Test
  void or_groups_nest_and_like_stars_become_percent() {
    Sql sql = where("or", "(a.eq.1,and(b.like.x*,c.is.null))");
    assertThat(sql.text()).isEqualTo("((t.\"a\" = ?) OR ((t.\"b\" LIKE ?) AND (t.\"c\" IS NULL)))");
    assertThat(sql.values()).containsExactly("1", "x%");
  }

  @Test
  void json_paths_bind_their_keys() {
    Sql sql = where("meta->tags->>0", "eq.x");
    assertThat(sql.text()).isEqualTo("(t.\"meta\"->?::text->>?::int = ?)");
    assertThat(sql.values()).containsExactly("tags", "0", "x");
  }

  @Test
  void unknown_operators_and_bad_syntax_are_pgrst100() {
    for (String[] bad :
        new String[][] {
          {"a", "eqq.1"},
          {"a", "1"},
          {"or", "a.eq.1"},
          {"or", "(a.eq.1"},
          {"a", "in.1,2"},
          {"a", "is.maybe"},
          {"a", "like(some).{x}"}
        }) {
      ApiError e = catchThrowableOfType(ApiError.class, () -> where(bad[0], bad[1]));
      assertThat(e).as("%s=%s", bad[0], bad[1]).isNotNull();
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.code()).isEqualTo("PGRST100");
    }
  }

  @Test
  void order_limit_and_range_parse_like_postgrest() {
    ReadQuery q =
        ReadQuery.parse(
            Map.of("order", List.of("a.desc.nullslast,b"), "limit", List.of("5")),
            "10-19",
            "t",
            k -> false);
    assertThat(q.orderBy(ANY_COLUMN, "t").text())
        .isEqualTo(" ORDER BY t.\"a\" DESC NULLS LAST, t.\"b\" ASC");
    assertThat(q.page(1000)).isEqualTo(" LIMIT 5 OFFSET 10");
    assertThat(ReadQuery.parse(Map.of(), null, "t", k -> false).page(1000))
        .isEqualTo(" LIMIT 1000");
    ApiError e =
        catchThrowableOfType(
            ApiError.class,
            () -> ReadQuery.parse(Map.of("limit", List.of("-1")), null, "t", k -> false));
    assertThat(e.code()).isEqualTo("PGRST100");
  }

  @Test
  void embeds_parse_with_alias_and_hint_and_are_refused_where_unsupported() {
    SelectList select = SelectList.parse("id,robot:robots!jobs_robot_fk(name,id)", "jobs");
    ApiError e =
        catchThrowableOfType(
            ApiError.class, () -> select.render(ANY_COLUMN, "t", name -> name, null));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("PGRST200");
    ApiError inner =
        catchThrowableOfType(
            ApiError.class, () -> SelectList.parse("id,robots!inner(name)", "jobs"));
    assertThat(inner.code()).isEqualTo("PGRST100");
  }
}
