package com.casarerpa.fleet.workflow.template;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Renders values the way CPython's {@code str()} and {@code repr()} do, because workflows were
 * written against that output: floats as {@code 15.0}, booleans as {@code True}, {@code None},
 * lists as {@code [1, 'a']} and dicts as {@code {'k': 'v'}}.
 *
 * <p>Value model: {@code String}, {@code Long} (Python int), {@code Double} (float), {@code
 * Boolean}, {@code null} (None), {@code List<Object>}, {@code Map<String, Object>}.
 */
public final class PythonText {
  private PythonText() {}

  /** Python {@code str(value)}. */
  public static String str(Object value) {
    if (value instanceof String s) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    appendRepr(out, value);
    return out.toString();
  }

  /** Python {@code repr(value)}. */
  public static String repr(Object value) {
    StringBuilder out = new StringBuilder();
    appendRepr(out, value);
    return out.toString();
  }

  private static void appendRepr(StringBuilder out, Object value) {
    switch (value) {
      case null -> out.append("None");
      case String s -> appendStringRepr(out, s);
      case Boolean b -> out.append(b ? "True" : "False");
      case Double d -> out.append(floatRepr(d));
      case Float f -> out.append(floatRepr(f.doubleValue()));
      case Number n -> out.append(n.toString());
      case Map<?, ?> map -> appendMap(out, map);
      case List<?> list -> appendList(out, list);
      default -> appendStringRepr(out, value.toString());
    }
  }

  private static void appendList(StringBuilder out, List<?> list) {
    out.append('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      appendRepr(out, list.get(i));
    }
    out.append(']');
  }

  private static void appendMap(StringBuilder out, Map<?, ?> map) {
    out.append('{');
    Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<?, ?> e = it.next();
      appendRepr(out, e.getKey());
      out.append(": ");
      appendRepr(out, e.getValue());
      if (it.hasNext()) {
        out.append(", ");
      }
    }
    out.append('}');
  }

  private static void appendStringRepr(StringBuilder out, String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    out.append(quote);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c == quote) {
            out.append('\\').append(c);
          } else if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append(quote);
  }

  /**
   * Python {@code repr(float)}: the shortest round-tripping digits, positional from 1e-4 up to
   * 1e16, otherwise scientific with a signed two-digit exponent.
   */
  public static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int exponent = digits.length() - 1 - shortest.scale();
    String sign = d < 0 ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
      return sign + positional(digits, exponent);
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String exp = String.format("%02d", Math.abs(exponent));
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
  }

  private static String positional(String digits, int exponent) {
    if (exponent < 0) {
      return "0." + "0".repeat(-exponent - 1) + digits;
    }
    if (digits.length() <= exponent + 1) {
      return digits + "0".repeat(exponent + 1 - digits.length()) + ".0";
    }
    return digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
  }
}
