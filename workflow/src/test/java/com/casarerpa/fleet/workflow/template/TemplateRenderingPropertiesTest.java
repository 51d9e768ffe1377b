package com.casarerpa.fleet.workflow.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class TemplateRenderingPropertiesTest {
  private static Scope scope(Map<String, Object> vars) {
    return name -> vars.containsKey(name) ? vars.get(name) : Scope.MISSING;
  }

  @Provide
  Arbitrary<Object> values() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(v -> (Object) v),
        Arbitraries.doubles().map(v -> (Object) v),
        Arbitraries.strings().ofMaxLength(20).map(v -> (Object) v),
        Arbitraries.of(true, false).map(v -> (Object) v),
        Arbitraries.longs().list().ofMaxSize(4).map(v -> (Object) new ArrayList<Object>(v)));
  }

  @Provide
  Arbitrary<String> plainText() {
    return Arbitraries.strings()
        .ofMaxLength(40)
        .filter(s -> !s.contains("{") && !s.contains("$") && !s.contains("%"));
  }

  @Property
  void text_without_references_renders_unchanged(@ForAll("plainText") String text) {
    assertThat(Template.compile(text).render(scope(Map.of()))).isEqualTo(text);
  }

  @Property
  void a_whole_reference_keeps_the_value_and_its_type(
      @ForAll("values") Object value,
      @ForAll @AlphaChars @StringLength(min = 1, max = 10) String name) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put(name, value);
    for (String written :
        List.of("{{" + name + "}}", "{{ " + name + " }}", "${" + name + "}", "%" + name + "%")) {
      assertThat(Template.compile(written).render(scope(vars))).isSameAs(value);
    }
  }

  @Property
  void references_inside_text_render_as_python_str(
      @ForAll("plainText") String before,
      @ForAll("values") Object value,
      @ForAll("plainText") String after) {
    net.jqwik.api.Assume.that(!(before + after).isEmpty());
    Object rendered = Template.compile(before + "{{v}}" + after).render(scope(Map.of("v", value)));
    assertThat(rendered).isEqualTo(before + PythonText.str(value) + after);
  }

  @Property
  void unknown_references_are_left_as_written(
      @ForAll("plainText") String before,
      @ForAll @AlphaChars @StringLength(min = 1, max = 10) String name) {
    String text = before + "{{" + name + "}} and ${" + name + "}";
    assertThat(Template.compile(text).render(scope(Map.of()))).isEqualTo(text);
  }

  @Property
  void list_index_paths_pick_the_element(@ForAll("values") Object a, @ForAll("values") Object b) {
    Map<String, Object> vars = Map.of("xs", List.of(a, b), "node", Map.of("port", Map.of("k", b)));
    assertThat(Template.compile("{{xs[0]}}").render(scope(vars))).isSameAs(a);
    assertThat(Template.compile("{{xs[-1]}}").render(scope(vars))).isSameAs(b);
    assertThat(Template.compile("{{node.port.k}}").render(scope(vars))).isSameAs(b);
  }

  @Property
  void float_repr_round_trips_and_always_looks_like_a_float(@ForAll double d) {
    String text = PythonText.floatRepr(d);
    if (Double.isFinite(d)) {
      assertThat(Double.parseDouble(text)).isEqualTo(d);
      assertThat(text).containsAnyOf(".", "e");
    }
  }

  @Property
  void whole_floats_below_1e16_render_with_point_zero(@ForAll long n) {
    long small = n % 1_000_000_000_000_000L;
    assertThat(PythonText.str((double) small)).isEqualTo(small + ".0");
  }

  @Test
  void values_render_like_cpython() {
    assertThat(PythonText.str(15.0)).isEqualTo("15.0");
    assertThat(PythonText.str(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(PythonText.str(1e16)).isEqualTo("1e+16");
    assertThat(PythonText.str(1e-5)).isEqualTo("1e-05");
    assertThat(PythonText.str(0.0001)).isEqualTo("0.0001");
    assertThat(PythonText.str(-0.0)).isEqualTo("-0.0");
    assertThat(PythonText.str(1.5e300)).isEqualTo("1.5e+300");
    assertThat(PythonText.str(true)).isEqualTo("True");
    assertThat(PythonText.str(null)).isEqualTo("None");
    Map<String, Object> dict = new LinkedHashMap<>();
    dict.put("status", "ok");
    dict.put("code", 200L);
    dict.put("tags", List.of("it's", 2.5, false));
    assertThat(PythonText.str(dict))
        .isEqualTo("{'status': 'ok', 'code': 200, 'tags': [\"it's\", 2.5, False]}");
    assertThat(PythonText.repr("a\nb\\")).isEqualTo("'a\\nb\\\\'");
  }

  @Test
  void python_format_handles_named_fields_specs_and_escapes() {
    Map<String, Object> args =
        Map.of("name", "Alice", "age", 30L, "pi", 3.14159, "d", Map.of("k", "v"));
    assertThat(PythonFormat.format("{name} is {age}", args)).isEqualTo("Alice is 30");
    assertThat(PythonFormat.format("{pi:.2f}|{age:>5}|{name:<7}|{{x}}", args))
        .isEqualTo("3.14|   30|Alice  |{x}");
    assertThat(PythonFormat.format("{d[k]} {name!r}", args)).isEqualTo("v 'Alice'");
    assertThat(PythonFormat.format("{age:,}", Map.of("age", 1234567L))).isEqualTo("1,234,567");
  }
}
