package com.casarerpa.fleet.workflow.expr;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Python semantics for truthiness, equality, ordering, arithmetic and {@code float()}. */
public final class PyOps {
  private static final int MAX_REPEAT = 1_000_000;

  private PyOps() {}

  /** Python {@code bool(value)}. */
  public static boolean truthy(Object v) {
    return switch (v) {
      case null -> false;
      case Boolean b -> b;
      case Long n -> n != 0;
      case Integer n -> n != 0;
      case Double d -> d != 0.0;
      case Number n -> n.doubleValue() != 0.0;
      case String s -> !s.isEmpty();
      case Collection<?> c -> !c.isEmpty();
      case Map<?, ?> m -> !m.isEmpty();
      default -> true;
    };
  }

  /** Python type name, for error messages. */
  public static String typeName(Object v) {
    return switch (v) {
      case null -> "NoneType";
      case Boolean b -> "bool";
      case Double d -> "float";
      case Float f -> "float";
      case Number n -> "int";
      case String s -> "str";
      case List<?> l -> "list";
      case Map<?, ?> m -> "dict";
      default -> v.getClass().getSimpleName();
    };
  }

  static boolean isNumber(Object v) {
    return v instanceof Number || v instanceof Boolean;
  }

  static boolean isIntegral(Object v) {
    return v instanceof Long || v instanceof Integer || v instanceof Boolean;
  }

  static long asLong(Object v) {
    return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
  }

  static double asDouble(Object v) {
    return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
  }

  /** Python {@code ==}. */
  public static boolean eq(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      return isIntegral(a) && isIntegral(b) ? asLong(a) == asLong(b) : asDouble(a) == asDouble(b);
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!eq(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  /** Python ordering; throws for incomparable types like Python's TypeError. */
  public static int compare(Object a, Object b, String op) {
    if (isNumber(a) && isNumber(b)) {
      return isIntegral(a) && isIntegral(b)
          ? Long.compare(asLong(a), asLong(b))
          : Double.compare(asDouble(a), asDouble(b));
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    throw new EvaluationException(
        "'" + op + "' not supported between '" + typeName(a) + "' and '" + typeName(b) + "'");
  }

  /** Python {@code in}. */
  public static boolean contains(Object container, Object item) {
    if (container instanceof String s && item instanceof String sub) {
      return s.contains(sub);
    }
    if (container instanceof List<?> list) {
      return list.stream().anyMatch(x -> eq(x, item));
    }
    if (container instanceof Map<?, ?> map) {
      return map.containsKey(String.valueOf(item));
    }
    throw new EvaluationException("argument of type '" + typeName(container) + "' is not iterable");
  }

  /** Binary arithmetic: + - * / // % **. */
  public static Object arithmetic(String op, Object a, Object b) {
    if (op.equals("+")) {
      if (a instanceof String x && b instanceof String y) {
        return x + y;
      }
      if (a instanceof List<?> x && b instanceof List<?> y) {
        List<Object> out = new ArrayList<>(x);
        out.addAll(y);
        return out;
      }
    }
    if (op.equals("*") && (a instanceof String || b instanceof String)) {
      return repeat(a, b);
    }
    if (!isNumber(a) || !isNumber(b)) {
      throw new EvaluationException(
          "unsupported operand type(s) for "
              + op
              + ": '"
              + typeName(a)
              + "' and '"
              + typeName(b)
              + "'");
    }
    if (isIntegral(a) && isIntegral(b) && !op.equals("/")) {
      return integerOp(op, asLong(a), asLong(b));
    }
    return floatOp(op, asDouble(a), asDouble(b));
  }

  private static Object repeat(Object a, Object b) {
    String s = a instanceof String x ? x : (String) b;
    Object n = a instanceof String ? b : a;
    if (!isIntegral(n)) {
      throw new EvaluationException(
          "can't multiply sequence by non-int of type '" + typeName(n) + "'");
    }
    long times = Math.max(0, asLong(n));
    if (times * s.length() > MAX_REPEAT) {
      throw new EvaluationException("string repetition result is too long");
    }
    return s.repeat((int) times);
  }

  private static Object integerOp(String op, long x, long y) {
    try {
      return switch (op) {
        case "+" -> Math.addExact(x, y);
        case "-" -> Math.subtractExact(x, y);
        case "*" -> Math.multiplyExact(x, y);
        case "//" -> Math.floorDiv(x, nonZero(y));
        case "%" -> Math.floorMod(x, nonZero(y));
        case "**" -> y < 0 ? Math.pow(x, y) : power(x, y);
        default -> throw new EvaluationException("unknown operator " + op);
      };
    } catch (ArithmeticException overflow) {
      return floatOp(op, x, y);
    }
  }

  private static long power(long base, long exp) {
    if (base == 0 || base == 1) {
      return exp == 0 ? 1 : base;
    }
    if (base == -1) {
      return exp % 2 == 0 ? 1 : -1;
    }
    long result = 1;
    for (long i = 0; i < exp; i++) {
      result = Math.multiplyExact(result, base); // |base| >= 2 overflows within 63 steps
    }
    return result;
  }

  private static long nonZero(long y) {
    if (y == 0) {
      throw new EvaluationException("integer division or modulo by zero");
    }
    return y;
  }

  private static double floatOp(String op, double x, double y) {
    if ((op.equals("/") || op.equals("//") || op.equals("%")) && y == 0) {
      throw new EvaluationException("float division by zero");
    }
    return switch (op) {
      case "+" -> x + y;
      case "-" -> x - y;
      case "*" -> x * y;
      case "/" -> x / y;
      case "//" -> Math.floor(x / y);
      case "%" -> x - y * Math.floor(x / y);
      case "**" -> Math.pow(x, y);
      default -> throw new EvaluationException("unknown operator " + op);
    };
  }

  /** Python {@code float(value)}; strings are parsed, booleans are 0/1. */
  public static double toFloat(Object v) {
    if (isNumber(v)) {
      return asDouble(v);
    }
    if (v instanceof String s) {
      String t = s.strip();
      try {
        return switch (t.toLowerCase()) {
          case "inf", "+inf", "infinity" -> Double.POSITIVE_INFINITY;
          case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
          case "nan" -> Double.NaN;
          default -> Double.parseDouble(t.replace("_", ""));
        };
      } catch (NumberFormatException e) {
        throw new EvaluationException("could not convert string to float: " + PyReprs.of(s));
      }
    }
    throw new EvaluationException(
        "float() argument must be a string or a real number, not '" + typeName(v) + "'");
  }

  /** Python {@code int(value)} (truncating floats). */
  public static long toInt(Object v) {
    if (v instanceof Double d) {
      return (long) d.doubleValue();
    }
    if (isNumber(v)) {
      return asLong(v);
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.strip().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new EvaluationException("invalid literal for int() with base 10: " + PyReprs.of(s));
      }
    }
    throw new EvaluationException(
        "int() argument must be a string or a number, not '" + typeName(v) + "'");
  }
}
