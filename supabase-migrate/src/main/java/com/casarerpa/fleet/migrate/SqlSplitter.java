package com.casarerpa.fleet.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a migration file into statements the way the Supabase CLI does ({@code pkg/parser}): a
 * {@code ;} ends a statement unless it is inside a quoted string or identifier, a {@code --} or
 * nested {@code /* *}{@code /} comment, a dollar-quoted body, parentheses, or a {@code BEGIN ATOMIC
 * … END} body; a backslash escapes the next character. Each statement is kept as written (comments
 * included), trimmed, without its final semicolon; empty ones are dropped. Recording the same
 * statements as the CLI keeps {@code supabase_migrations.schema_migrations} identical whichever
 * tool applied a migration.
 */
public final class SqlSplitter {
  private SqlSplitter() {}

  public static List<SqlStatement> split(String sql) {
    List<SqlStatement> out = new ArrayList<>();
    int start = 0;
    int depth = 0; // parentheses
    boolean atomic = false;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        i = endOfQuoted(sql, i, c);
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int nl = sql.indexOf('\n', i);
        i = nl < 0 ? n : nl + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        i = endOfBlockComment(sql, i);
      } else if (c == '$') {
        i = endOfDollarQuoted(sql, i);
      } else if (c == '\\') {
        i = Math.min(n, i + 2);
      } else if (c == '(') {
        depth++;
        i++;
      } else if (c == ')') {
        depth = Math.max(0, depth - 1);
        i++;
      } else if (!atomic && depth == 0 && isWordAt(sql, i, "ATOMIC") && precededByBegin(sql, i)) {
        atomic = true;
        i += "ATOMIC".length();
      } else if (atomic && depth == 0 && isWordAt(sql, i, "END")) {
        atomic = false;
        i += "END".length();
      } else if (c == ';' && depth == 0 && !atomic) {
        add(out, sql, start, i + 1);
        start = i + 1;
        i++;
      } else {
        i++;
      }
    }
    add(out, sql, start, n);
    return out;
  }

  private static void add(List<SqlStatement> out, String sql, int from, int to) {
    String token = sql.substring(from, to);
    int end = token.length();
    while (end > 0 && token.charAt(end - 1) == ';') {
      end--;
    }
    String trimmed = token.substring(0, end);
    int lead = 0;
    while (lead < trimmed.length() && Character.isWhitespace(trimmed.charAt(lead))) {
      lead++;
    }
    String text = trimmed.strip();
    if (text.isEmpty()) {
      return;
    }
    out.add(new SqlStatement(text, lineAt(sql, from + lead)));
  }

  private static int lineAt(String sql, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (sql.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static int endOfQuoted(String sql, int i, char quote) {
    int j = i + 1;
    while (j < sql.length()) {
      if (sql.charAt(j) == quote) {
        if (j + 1 < sql.length() && sql.charAt(j + 1) == quote) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return sql.length();
  }

  private static int endOfBlockComment(String sql, int i) {
    int depth = 0;
    int j = i;
    while (j + 1 < sql.length()) {
      if (sql.charAt(j) == '/' && sql.charAt(j + 1) == '*') {
        depth++;
        j += 2;
      } else if (sql.charAt(j) == '*' && sql.charAt(j + 1) == '/') {
        depth--;
        j += 2;
        if (depth == 0) {
          return j;
        }
      } else {
        j++;
      }
    }
    return sql.length();
  }

  /** {@code $tag$ … $tag$}; a {@code $} not opening a tag (e.g. {@code $1}) is skipped alone. */
  private static int endOfDollarQuoted(String sql, int i) {
    int j = i + 1;
    while (j < sql.length() && isTagChar(sql.charAt(j), j == i + 1)) {
      j++;
    }
    if (j >= sql.length() || sql.charAt(j) != '$') {
      return i + 1;
    }
    String tag = sql.substring(i, j + 1);
    int close = sql.indexOf(tag, j + 1);
    return close < 0 ? sql.length() : close + tag.length();
  }

  private static boolean isTagChar(char c, boolean first) {
    return Character.isLetter(c) || c == '_' || (!first && Character.isDigit(c));
  }

  private static boolean isWordAt(String sql, int i, String word) {
    if (!sql.regionMatches(true, i, word, 0, word.length())) {
      return false;
    }
    boolean startOk = i == 0 || !isIdentifierChar(sql.charAt(i - 1));
    int after = i + word.length();
    boolean endOk = after >= sql.length() || !isIdentifierChar(sql.charAt(after));
    return startOk && endOk;
  }

  private static boolean precededByBegin(String sql, int i) {
    int j = i - 1;
    while (j >= 0 && Character.isWhitespace(sql.charAt(j))) {
      j--;
    }
    int from = j - "BEGIN".length() + 1;
    return from >= 0 && isWordAt(sql, from, "BEGIN");
  }

  private static boolean isIdentifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }
}
