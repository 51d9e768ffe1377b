package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.expr.PyOps;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Filter ({@code condition}, {@code value}, {@code key_path}), Map ({@code transform}), Reduce
 * ({@code operation}), Flatten.
 */
final class ListItems {
  private ListItems() {}

  static Object path(Object item, String keyPath) {
    if (keyPath == null || keyPath.isEmpty()) {
      return item;
    }
    Object current = item;
    for (String part : keyPath.split("\\.")) {
      current = current instanceof Map<?, ?> m && m.containsKey(part) ? m.get(part) : null;
    }
    return current;
  }

  static NodeResult filter(NodeContext ctx, List<Object> list) throws NodeException {
    String condition = ctx.string("condition", "is_not_none");
    Object value = ctx.param("value");
    String key = ctx.string("key_path", "");
    List<Object> kept = new ArrayList<>();
    List<Object> removed = new ArrayList<>();
    for (Object item : list) {
      (matches(condition, path(item, key), value, ctx.nodeId()) ? kept : removed).add(item);
    }
    ctx.output("result", kept);
    ctx.output("removed", removed);
    return NodeResult.next();
  }

  private static boolean matches(String condition, Object v, Object value, String nodeId)
      throws NodeException {
    return switch (condition) {
      case "equals" -> PyOps.eq(v, value);
      case "not_equals" -> !PyOps.eq(v, value);
      case "contains" -> PyOps.truthy(v) && PythonText.str(v).contains(PythonText.str(value));
      case "starts_with" -> PyOps.truthy(v) && PythonText.str(v).startsWith(PythonText.str(value));
      case "ends_with" -> PyOps.truthy(v) && PythonText.str(v).endsWith(PythonText.str(value));
      case "greater_than" -> v != null && PyOps.compare(v, value, ">") > 0;
      case "less_than" -> v != null && PyOps.compare(v, value, "<") < 0;
      case "is_not_none" -> v != null;
      case "is_none" -> v == null;
      case "is_truthy" -> PyOps.truthy(v);
      case "is_falsy" -> !PyOps.truthy(v);
      default -> throw new NodeException(nodeId + ": unknown condition '" + condition + "'");
    };
  }

  static NodeResult map(NodeContext ctx, List<Object> list) throws NodeException {
    String transform = ctx.string("transform", "to_string");
    String key = ctx.string("key_path", "");
    List<Object> out = new ArrayList<>(list.size());
    for (Object item : list) {
      Object v = path(item, key);
      out.add(
          switch (transform) {
            case "get_property" -> v;
            case "to_string" -> v == null ? "" : PythonText.str(v);
            case "to_int" -> v == null ? 0L : PyOps.toInt(v);
            case "to_float" -> v == null ? 0.0 : PyOps.toFloat(v);
            case "to_upper" -> PyOps.truthy(v) ? PythonText.str(v).toUpperCase(Locale.ROOT) : "";
            case "to_lower" -> PyOps.truthy(v) ? PythonText.str(v).toLowerCase(Locale.ROOT) : "";
            case "trim" -> PyOps.truthy(v) ? PythonText.str(v).strip() : "";
            case "length" ->
                v instanceof List<?> l
                    ? (long) l.size()
                    : v instanceof Map<?, ?> m
                        ? (long) m.size()
                        : PyOps.truthy(v) ? (long) PythonText.str(v).length() : 0L;
            default ->
                throw new NodeException(ctx.nodeId() + ": unknown transform '" + transform + "'");
          });
    }
    ctx.output("result", out);
    return NodeResult.next();
  }

  static NodeResult reduce(NodeContext ctx, List<Object> list) throws NodeException {
    String op = ctx.string("operation", "sum");
    String key = ctx.string("key_path", "");
    Object initial = ctx.param("initial");
    List<Object> values = new ArrayList<>();
    for (Object item : list) {
      Object v = path(item, key);
      if (v != null) {
        values.add(v);
      }
    }
    Object result;
    if (values.isEmpty()) {
      result =
          initial != null
              ? initial
              : List.of("sum", "product", "avg", "count").contains(op) ? 0L : null;
    } else {
      result =
          switch (op) {
            case "sum" -> values.stream().mapToDouble(PyOps::toFloat).sum();
            case "product" ->
                values.stream().mapToDouble(PyOps::toFloat).reduce(1.0, (a, b) -> a * b);
            case "avg" -> values.stream().mapToDouble(PyOps::toFloat).sum() / values.size();
            case "min" ->
                values.stream()
                    .reduce((a, b) -> PyOps.compare(b, a, "<") < 0 ? b : a)
                    .orElseThrow();
            case "max" ->
                values.stream()
                    .reduce((a, b) -> PyOps.compare(b, a, ">") > 0 ? b : a)
                    .orElseThrow();
            case "count" -> (long) values.size();
            case "first" -> values.getFirst();
            case "last" -> values.getLast();
            case "join" ->
                String.join(
                    initial == null ? "" : PythonText.str(initial),
                    values.stream().map(PythonText::str).toList());
            default ->
                throw new NodeException(
                    ctx.nodeId()
                        + ": unknown operation '"
                        + op
                        + "'; use sum, product, min, max, avg, count, first, last or join");
          };
    }
    ctx.output("result", result);
    return NodeResult.next();
  }

  static List<Object> flatten(List<?> items, int depth) {
    List<Object> out = new ArrayList<>();
    for (Object item : items) {
      if (item instanceof List<?> l && depth > 0) {
        out.addAll(flatten(l, depth - 1));
      } else {
        out.add(item);
      }
    }
    return out;
  }
}
