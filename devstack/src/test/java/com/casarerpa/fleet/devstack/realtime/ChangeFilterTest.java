package com.casarerpa.fleet.devstack.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeFilterTest {
  @Test
  void classic_operators_parse() throws Exception {
    assertThat(ChangeFilter.parse("id=eq.5")).isEqualTo(new ChangeFilter("id", "eq", List.of("5")));
    assertThat(ChangeFilter.parse("status=in.(a,b)"))
        .isEqualTo(new ChangeFilter("status", "in", List.of("a", "b")));
    assertThat(ChangeFilter.parse("name=eq.\"a.b\""))
        .isEqualTo(new ChangeFilter("name", "eq", List.of("a.b")));
    assertThat(ChangeFilter.parse("  ")).isNull();
    assertThat(ChangeFilter.parse(null)).isNull();
  }

  @Test
  void unsupported_operators_and_shapes_get_supabase_texts() {
    assertThatThrownBy(() -> ChangeFilter.parse("subject=foo.hey"))
        .hasMessage("Error parsing `filter` params: [\"foo\", \"hey\"]");
    assertThatThrownBy(() -> ChangeFilter.parse("undefined"))
        .hasMessage("Error parsing `filter` params: [\"undefined\"]");
    assertThatThrownBy(() -> ChangeFilter.parse("status=in.a,b"))
        .hasMessage(
            "Error parsing `filter` params: `in` filter value must be wrapped by parentheses");
  }

  @Test
  void in_accepts_at_most_100_values() {
    String values = String.join(",", java.util.Collections.nCopies(101, "x"));
    assertThatThrownBy(() -> ChangeFilter.parse("s=in.(" + values + ")"))
        .hasMessageContaining("at most 100");
  }
}
