package com.casarerpa.fleet.workflow.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.casarerpa.fleet.workflow.template.Scope;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ExpressionPropertiesTest {
  private static Object eval(String source, Map<String, Object> vars) {
    Scope scope = n -> vars.containsKey(n) ? vars.get(n) : Scope.MISSING;
    return Expression.parse(source).evaluate(scope);
  }

  @Property
  void integer_arithmetic_matches_java(
      @ForAll @IntRange(min = -100_000, max = 100_000) int a,
      @ForAll @IntRange(min = -100_000, max = 100_000) int b) {
    Map<String, Object> v = Map.of("a", (long) a, "b", (long) b);
    assertThat(eval("a + b", v)).isEqualTo((long) a + b);
    assertThat(eval("a - b * 2", v)).isEqualTo((long) a - 2L * b);
    assertThat(eval("-(a) + +b", v)).isEqualTo((long) -a + b);
    Assume.that(b != 0);
    assertThat(eval("(a // b) * b + a % b", v)).isEqualTo((long) a);
    assertThat(eval("a / b", v)).isEqualTo((double) a / b);
  }

  @Property
  void comparisons_agree_with_java(@ForAll long a, @ForAll long b) {
    Map<String, Object> v = Map.of("a", a, "b", b);
    assertThat(eval("a < b", v)).isEqualTo(a < b);
    assertThat(eval("a >= b", v)).isEqualTo(a >= b);
    assertThat(eval("a == b", v)).isEqualTo(a == b);
    assertThat(eval("{{a}} != {{b}}", v)).isEqualTo(a != b);
    assertThat(eval("a <= b <= a", v)).isEqualTo(a == b);
  }

  @Property
  void boolean_logic_matches_python(@ForAll boolean p, @ForAll boolean q) {
    Map<String, Object> v = Map.of("p", p, "q", q);
    assertThat(eval("p and not q", v)).isEqualTo(p && !q);
    assertThat(eval("p || q", v)).isEqualTo(p || q);
    assertThat(eval("not (p and q) == (not p or not q)", v)).isEqualTo(true);
  }

  @Property(tries = 2000)
  void arbitrary_text_either_parses_or_fails_with_a_clear_error(
      @ForAll @StringLength(max = 60) String text) {
    try {
      Expression e = Expression.parse(text);
      try {
        e.evaluate(n -> 1L);
      } catch (EvaluationException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    } catch (EvaluationException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Test
  void python_semantics_for_mixed_values() {
    Map<String, Object> v =
        Map.of("x", 1.0, "s", "abc", "xs", List.of(1L, 2L), "d", Map.of("k", 5L));
    assertThat(eval("x == 1", v)).isEqualTo(true);
    assertThat(eval("'b' in s and 2 in xs and 'k' in d", v)).isEqualTo(true);
    assertThat(eval("len(xs) + d['k'] + d.k", v)).isEqualTo(12L);
    assertThat(eval("s + 'd' if False else 0", Map.of("s", "a"))).isEqualTo(0L);
    assertThat(eval("s + 'd' if s else 0", Map.of("s", "a"))).isEqualTo("ad");
  }

  @Test
  void expressions_cannot_reach_the_host() {
    Map<String, Object> v = Map.of("s", "abc");
    assertThatThrownBy(() -> eval("__import__('os').system('id')", v))
        .isInstanceOf(EvaluationException.class)
        .hasMessageContaining("not available");
    assertThatThrownBy(() -> eval("open('/etc/passwd')", v))
        .isInstanceOf(EvaluationException.class);
    assertThatThrownBy(() -> eval("s.__class__", v)).isInstanceOf(EvaluationException.class);
    assertThatThrownBy(() -> eval("undefined_name > 1", v))
        .hasMessage("name 'undefined_name' is not defined");
    assertThatThrownBy(() -> eval("'a' < 1", v))
        .hasMessage("'<' not supported between 'str' and 'int'");
    assertThatThrownBy(() -> eval("(".repeat(100) + "1" + ")".repeat(100), v))
        .hasMessageContaining("nests deeper");
  }
}
