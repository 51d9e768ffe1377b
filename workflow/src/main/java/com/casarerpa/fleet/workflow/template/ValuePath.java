package com.casarerpa.fleet.workflow.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A compiled reference such as {@code total}, {@code node_id.port}, {@code a.b.c} or {@code
 * list[0]}: a root name followed by key and index steps.
 */
public final class ValuePath {
  private final String text;
  private final String root;
  private final Object[] steps;

  private ValuePath(String text, String root, Object[] steps) {
    this.text = text;
    this.root = root;
    this.steps = steps;
  }

  /** Parses {@code text}, or returns null when it is not a well-formed path. */
  public static ValuePath parse(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return null;
    }
    List<Object> parts = new ArrayList<>();
    StringBuilder name = new StringBuilder();
    int i = 0;
    while (i < t.length()) {
      char c = t.charAt(i);
      if (c == '.') {
        if (!flush(name, parts)) {
          return null;
        }
        i++;
      } else if (c == '[') {
        int close = t.indexOf(']', i);
        if (close < 0 || (name.isEmpty() && parts.isEmpty())) {
          return null;
        }
        flush(name, parts);
        Object step = indexStep(t.substring(i + 1, close).strip());
        if (step == null) {
          return null;
        }
        parts.add(step);
        i = close + 1;
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '-') {
        name.append(c);
        i++;
      } else {
        return null;
      }
    }
    flush(name, parts);
    if (parts.isEmpty() || !(parts.getFirst() instanceof String first)) {
      return null;
    }
    return new ValuePath(t, first, parts.subList(1, parts.size()).toArray());
  }

  private static boolean flush(StringBuilder name, List<Object> parts) {
    if (name.isEmpty()) {
      return !parts.isEmpty();
    }
    parts.add(name.toString());
    name.setLength(0);
    return true;
  }

  private static Object indexStep(String inner) {
    if (inner.length() >= 2
        && (inner.charAt(0) == '\'' || inner.charAt(0) == '"')
        && inner.charAt(inner.length() - 1) == inner.charAt(0)) {
      return inner.substring(1, inner.length() - 1);
    }
    try {
      return Integer.valueOf(inner);
    } catch (NumberFormatException e) {
      return inner.isEmpty() || inner.contains("[") ? null : inner;
    }
  }

  public String text() {
    return text;
  }

  public String root() {
    return root;
  }

  /** Resolves against {@code scope}; {@link Scope#MISSING} when any step is absent. */
  public Object resolve(Scope scope) {
    Object value = scope.lookup(root);
    if (value == Scope.MISSING) {
      return steps.length > 0 ? scope.lookup(text) : Scope.MISSING;
    }
    for (Object step : steps) {
      value = step(value, step);
      if (value == Scope.MISSING) {
        return Scope.MISSING;
      }
    }
    return value;
  }

  private static Object step(Object value, Object step) {
    if (value instanceof Map<?, ?> map) {
      String key = step.toString();
      return map.containsKey(key) ? map.get(key) : Scope.MISSING;
    }
    if (value instanceof List<?> list) {
      int index = step instanceof Integer n ? n : parseIndex(step.toString());
      if (index < 0) {
        index += list.size();
      }
      return index >= 0 && index < list.size() ? list.get(index) : Scope.MISSING;
    }
    return Scope.MISSING;
  }

  private static int parseIndex(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return Integer.MIN_VALUE / 2;
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
