package com.casarerpa.fleet.workflow.template;

import java.util.ArrayList;
import java.util.List;

/** Splits a template string into literal text and {@link Template.Reference}s. */
final class TemplateScanner {
  private TemplateScanner() {}

  static List<Object> scan(String s) {
    List<Object> parts = new ArrayList<>();
    if (s.length() > 2 && s.charAt(0) == '%' && s.charAt(s.length() - 1) == '%') {
      ValuePath path = ValuePath.parse(s.substring(1, s.length() - 1));
      if (path != null && s.indexOf('%', 1) == s.length() - 1) {
        parts.add(new Template.Reference(path, s));
        return parts;
      }
    }
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int end = referenceEnd(s, i);
      if (end > 0) {
        String written = s.substring(i, end);
        int close = s.charAt(i) == '{' ? 2 : 1;
        ValuePath path = ValuePath.parse(written.substring(2, written.length() - close));
        if (path != null) {
          if (!literal.isEmpty()) {
            parts.add(literal.toString());
            literal.setLength(0);
          }
          parts.add(new Template.Reference(path, written));
          i = end;
          continue;
        }
      }
      literal.append(s.charAt(i));
      i++;
    }
    if (!literal.isEmpty() || parts.isEmpty()) {
      parts.add(literal.toString());
    }
    return parts;
  }

  /** End index (exclusive) of a {@code {{...}}} or {@code ${...}} starting at i, or -1. */
  private static int referenceEnd(String s, int i) {
    if (s.startsWith("{{", i)) {
      int close = s.indexOf("}}", i + 2);
      return close < 0 ? -1 : close + 2;
    }
    if (s.startsWith("${", i)) {
      int close = s.indexOf('}', i + 2);
      return close < 0 ? -1 : close + 1;
    }
    return -1;
  }
}
