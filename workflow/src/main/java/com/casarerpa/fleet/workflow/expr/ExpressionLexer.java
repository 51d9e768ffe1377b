package com.casarerpa.fleet.workflow.expr;

import java.util.ArrayList;
import java.util.List;

/** Turns expression text into tokens. */
final class ExpressionLexer {
  enum Kind {
    NUMBER,
    STRING,
    NAME,
    REF,
    OP,
    END
  }

  record Token(Kind kind, String text, Object value, int pos) {}

  private static final String[] OPERATORS = {
    "**", "//", "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "<", ">", "(", ")",
    "[", "]", ",", ".", "!"
  };

  private final String src;
  private int pos;

  ExpressionLexer(String src) {
    this.src = src;
  }

  List<Token> tokens() {
    List<Token> out = new ArrayList<>();
    while (true) {
      skipSpace();
      if (pos >= src.length()) {
        out.add(new Token(Kind.END, "", null, pos));
        return out;
      }
      out.add(next());
    }
  }

  private void skipSpace() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
      pos++;
    }
  }

  private Token next() {
    int start = pos;
    char c = src.charAt(pos);
    if (src.startsWith("{{", pos) || src.startsWith("${", pos)) {
      return reference(start);
    }
    if (Character.isDigit(c)
        || (c == '.' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1)))) {
      return number(start);
    }
    if (c == '\'' || c == '"') {
      return string(start, c);
    }
    if (Character.isLetter(c) || c == '_' || c == '$') {
      while (pos < src.length()
          && (Character.isLetterOrDigit(src.charAt(pos))
              || src.charAt(pos) == '_'
              || src.charAt(pos) == '$')) {
        pos++;
      }
      return new Token(Kind.NAME, src.substring(start, pos), null, start);
    }
    for (String op : OPERATORS) {
      if (src.startsWith(op, pos)) {
        pos += op.length();
        return new Token(Kind.OP, op, null, start);
      }
    }
    throw new EvaluationException("unexpected character '" + c + "' at position " + start);
  }

  private Token reference(int start) {
    boolean braces = src.startsWith("{{", pos);
    int close = braces ? src.indexOf("}}", pos + 2) : src.indexOf('}', pos + 2);
    if (close < 0) {
      throw new EvaluationException("unclosed reference at position " + start);
    }
    String inner = src.substring(pos + 2, close);
    pos = close + (braces ? 2 : 1);
    return new Token(Kind.REF, inner.strip(), null, start);
  }

  private Token number(int start) {
    while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
      pos++;
    }
    boolean isFloat = false;
    if (pos < src.length() && src.charAt(pos) == '.') {
      isFloat = true;
      pos++;
      while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        pos++;
      }
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int save = pos;
      pos++;
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
        pos++;
      }
      if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        isFloat = true;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
          pos++;
        }
      } else {
        pos = save;
      }
    }
    String text = src.substring(start, pos).replace("_", "");
    try {
      Object value = isFloat ? (Object) Double.parseDouble(text) : (Object) Long.parseLong(text);
      return new Token(Kind.NUMBER, text, value, start);
    } catch (NumberFormatException e) {
      return new Token(Kind.NUMBER, text, Double.parseDouble(text), start);
    }
  }

  private Token string(int start, char quote) {
    StringBuilder out = new StringBuilder();
    pos++;
    while (pos < src.length() && src.charAt(pos) != quote) {
      char c = src.charAt(pos++);
      if (c == '\\' && pos < src.length()) {
        char e = src.charAt(pos++);
        out.append(
            switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              default -> e;
            });
      } else {
        out.append(c);
      }
    }
    if (pos >= src.length()) {
      throw new EvaluationException("unterminated string starting at position " + start);
    }
    pos++;
    return new Token(Kind.STRING, src.substring(start, pos), out.toString(), start);
  }
}
