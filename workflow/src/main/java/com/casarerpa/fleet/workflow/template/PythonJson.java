package com.casarerpa.fleet.workflow.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps}: separators {@code ", "} and {@code ": "} (with an indent, {@code
 * ","} at line ends), floats as Python writes them ({@code 15.0}), {@code NaN}/{@code Infinity},
 * and non-ASCII escaped as {@code \\uXXXX} unless {@code ensure_ascii} is off. Values that are not
 * JSON are written as their Python {@code str()} (the original passes {@code default=str}).
 */
public final class PythonJson {
  private PythonJson() {}

  /** {@code json.dumps(value, indent=indent, sort_keys=sortKeys, ensure_ascii=ensureAscii)}. */
  public static String dumps(Object value, Integer indent, boolean sortKeys, boolean ensureAscii) {
    StringBuilder out = new StringBuilder();
    write(out, value, indent, sortKeys, ensureAscii, 0);
    return out.toString();
  }

  private static void write(
      StringBuilder out, Object v, Integer indent, boolean sort, boolean ascii, int depth) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      out.append(
          Double.isNaN(d)
              ? "NaN"
              : Double.isInfinite(d)
                  ? (d > 0 ? "Infinity" : "-Infinity")
                  : PythonText.floatRepr(d));
    } else if (v instanceof Number n) {
      out.append(n.toString());
    } else if (v instanceof String s) {
      string(out, s, ascii);
    } else if (v instanceof Map<?, ?> map) {
      List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
      if (sort) {
        entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
      }
      if (entries.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append('{');
      for (int i = 0; i < entries.size(); i++) {
        separator(out, i, indent, depth + 1);
        string(out, String.valueOf(entries.get(i).getKey()), ascii);
        out.append(": ");
        write(out, entries.get(i).getValue(), indent, sort, ascii, depth + 1);
      }
      close(out, indent, depth, '}');
    } else if (v instanceof Collection<?> list) {
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      int i = 0;
      for (Object item : list) {
        separator(out, i++, indent, depth + 1);
        write(out, item, indent, sort, ascii, depth + 1);
      }
      close(out, indent, depth, ']');
    } else {
      string(out, PythonText.str(v), ascii);
    }
  }

  private static void separator(StringBuilder out, int i, Integer indent, int depth) {
    if (indent == null) {
      if (i > 0) {
        out.append(", ");
      }
      return;
    }
    if (i > 0) {
      out.append(',');
    }
    out.append('\n').append(" ".repeat(indent * depth));
  }

  private static void close(StringBuilder out, Integer indent, int depth, char c) {
    if (indent != null) {
      out.append('\n').append(" ".repeat(indent * depth));
    }
    out.append(c);
  }

  private static void string(StringBuilder out, String s, boolean ascii) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || (ascii && c > 0x7f)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
