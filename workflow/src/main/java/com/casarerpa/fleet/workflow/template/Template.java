package com.casarerpa.fleet.workflow.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A config value compiled once and rendered many times. Strings may hold {@code {{name}}}, {@code
 * ${name}} or (as the whole value) {@code %name%}. A string that is exactly one reference renders
 * to the referenced value with its type; otherwise every reference is replaced by Python {@code
 * str(value)}. References that resolve to nothing are left as written. Lists and maps are rendered
 * element by element.
 */
public sealed interface Template {

  /** Renders against {@code scope}. */
  Object render(Scope scope);

  /** True when rendering always returns the same value. */
  boolean isConstant();

  /** Compiles any config value (string, list, map, number, ...). */
  static Template compile(Object value) {
    if (value instanceof String s) {
      return compileString(s);
    }
    if (value instanceof List<?> list) {
      List<Template> items = new ArrayList<>(list.size());
      boolean constant = true;
      for (Object item : list) {
        Template t = compile(item);
        constant &= t.isConstant();
        items.add(t);
      }
      return constant ? new Constant(value) : new ListTemplate(items);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Template> entries = new LinkedHashMap<>();
      boolean constant = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Template t = compile(e.getValue());
        constant &= t.isConstant();
        entries.put(String.valueOf(e.getKey()), t);
      }
      return constant ? new Constant(value) : new MapTemplate(entries);
    }
    return new Constant(value);
  }

  /** Compiles a string. */
  static Template compileString(String s) {
    List<Object> parts = TemplateScanner.scan(s);
    if (parts.size() == 1 && parts.getFirst() instanceof Reference ref) {
      return new Whole(ref);
    }
    if (parts.stream().noneMatch(p -> p instanceof Reference)) {
      return new Constant(s);
    }
    return new Mixed(parts.toArray());
  }

  /** A reference found in a template: the path and the text it was written as. */
  record Reference(ValuePath path, String written) {
    Object resolve(Scope scope) {
      return path.resolve(scope);
    }
  }

  /** A value without references. */
  record Constant(Object value) implements Template {
    @Override
    public Object render(Scope scope) {
      return value;
    }

    @Override
    public boolean isConstant() {
      return true;
    }
  }

  /** Exactly one reference: type-preserving. */
  record Whole(Reference ref) implements Template {
    @Override
    public Object render(Scope scope) {
      Object v = ref.resolve(scope);
      return v == Scope.MISSING ? ref.written() : v;
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }

  /** Text with references spliced in as Python {@code str()}. */
  final class Mixed implements Template {
    private final Object[] parts;

    Mixed(Object[] parts) {
      this.parts = parts;
    }

    @Override
    public Object render(Scope scope) {
      StringBuilder out = new StringBuilder();
      for (Object part : parts) {
        if (part instanceof Reference ref) {
          Object v = ref.resolve(scope);
          out.append(v == Scope.MISSING ? ref.written() : PythonText.str(v));
        } else {
          out.append((String) part);
        }
      }
      return out.toString();
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }

  /** A list with at least one templated element. */
  record ListTemplate(List<Template> items) implements Template {
    @Override
    public Object render(Scope scope) {
      List<Object> out = new ArrayList<>(items.size());
      for (Template t : items) {
        out.add(t.render(scope));
      }
      return out;
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }

  /** A map with at least one templated value. */
  record MapTemplate(Map<String, Template> entries) implements Template {
    @Override
    public Object render(Scope scope) {
      Map<String, Object> out = new LinkedHashMap<>();
      entries.forEach((k, t) -> out.put(k, t.render(scope)));
      return out;
    }

    @Override
    public boolean isConstant() {
      return false;
    }
  }
}
