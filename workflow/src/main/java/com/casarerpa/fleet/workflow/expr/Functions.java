package com.casarerpa.fleet.workflow.expr;

import com.casarerpa.fleet.workflow.template.PythonText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The few pure functions an expression may call, and item access. */
final class Functions {
  private Functions() {}

  static Expression call(String name, List<Expression> args) {
    return switch (name) {
      case "len" -> unary(name, args, Functions::len);
      case "str" -> unary(name, args, PythonText::str);
      case "int" -> unary(name, args, PyOps::toInt);
      case "float" -> unary(name, args, PyOps::toFloat);
      case "bool" -> unary(name, args, PyOps::truthy);
      case "abs" ->
          unary(
              name, args, v -> PyOps.arithmetic("*", v, PyOps.compare(v, 0L, "<") < 0 ? -1L : 1L));
      case "round" -> unary(name, args, v -> (long) Math.rint(PyOps.toFloat(v)));
      case "min", "max" -> extreme(name, args);
      case "lower" -> unary(name, args, v -> PythonText.str(v).toLowerCase());
      case "upper" -> unary(name, args, v -> PythonText.str(v).toUpperCase());
      default ->
          throw new EvaluationException("function '" + name + "' is not available in expressions");
    };
  }

  private static Expression unary(
      String name, List<Expression> args, java.util.function.Function<Object, Object> f) {
    if (args.size() != 1) {
      throw new EvaluationException(
          name + "() takes exactly one argument (" + args.size() + " given)");
    }
    Expression arg = args.getFirst();
    return s -> f.apply(arg.evaluate(s));
  }

  private static Expression extreme(String name, List<Expression> args) {
    if (args.isEmpty()) {
      throw new EvaluationException(name + "() expected at least 1 argument, got 0");
    }
    boolean max = name.equals("max");
    return s -> {
      List<Object> values = new ArrayList<>();
      for (Expression e : args) {
        values.add(e.evaluate(s));
      }
      if (values.size() == 1 && values.getFirst() instanceof List<?> list) {
        values = new ArrayList<>(list);
      }
      if (values.isEmpty()) {
        throw new EvaluationException(name + "() arg is an empty sequence");
      }
      Object best = values.getFirst();
      for (Object v : values) {
        int c = PyOps.compare(v, best, max ? ">" : "<");
        if (max ? c > 0 : c < 0) {
          best = v;
        }
      }
      return best;
    };
  }

  private static Object len(Object v) {
    return switch (v) {
      case String s -> (long) s.length();
      case List<?> l -> (long) l.size();
      case Map<?, ?> m -> (long) m.size();
      default ->
          throw new EvaluationException("object of type '" + PyOps.typeName(v) + "' has no len()");
    };
  }

  static Object item(Object target, Object key) {
    if (target instanceof Map<?, ?> map) {
      String k = PythonText.str(key);
      if (!map.containsKey(k)) {
        throw new EvaluationException("key " + PythonText.repr(key) + " not found");
      }
      return map.get(k);
    }
    if (target instanceof List<?> list && PyOps.isIntegral(key)) {
      long i = PyOps.asLong(key);
      long at = i < 0 ? i + list.size() : i;
      if (at < 0 || at >= list.size()) {
        throw new EvaluationException("list index " + i + " out of range");
      }
      return list.get((int) at);
    }
    if (target instanceof String s && PyOps.isIntegral(key)) {
      long i = PyOps.asLong(key);
      long at = i < 0 ? i + s.length() : i;
      if (at < 0 || at >= s.length()) {
        throw new EvaluationException("string index " + i + " out of range");
      }
      return String.valueOf(s.charAt((int) at));
    }
    throw new EvaluationException(
        "'"
            + PyOps.typeName(target)
            + "' object is not subscriptable with "
            + PythonText.repr(key));
  }
}
