package com.casarerpa.fleet.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds {@code UPDATE} and {@code DELETE} statements without a {@code WHERE} clause: what hosted
 * Supabase's {@code safeupdate} refuses ("UPDATE requires a WHERE clause") in every API session,
 * including statements run inside SQL and PL/pgSQL functions and in {@code EXECUTE}d strings.
 *
 * <p>safeupdate looks at the analysed statement: an UPDATE or DELETE (also one in a data-modifying
 * {@code WITH}) whose join tree has no qualification is refused; {@code WHERE true} passes, {@code
 * UPDATE … FROM …} without WHERE does not, {@code INSERT … ON CONFLICT DO UPDATE} and {@code
 * TRUNCATE} are not checked. This check applies the same rule to SQL text: it tokenizes (comments,
 * quoted identifiers, {@code '…'}, {@code E'…'} and dollar-quoted strings), recognises the
 * statement shapes {@code UPDATE [ONLY] name [[AS] alias] SET} and {@code DELETE FROM}, and looks
 * for {@code WHERE} at the statement's own nesting level before the statement ends ({@code ;}, the
 * closing parenthesis of its {@code WITH} entry, or {@code LOOP} of a PL/pgSQL {@code FOR … IN
 * UPDATE …}). Every string and dollar-quoted body is checked the same way, recursively, so function
 * bodies and dynamic SQL are covered. A string that only builds part of a statement may be reported
 * although the finished statement has a WHERE: write such SQL as one format string.
 */
public final class UnqualifiedWriteCheck {
  private static final Set<String> STATEMENT_ENDS = Set.of("loop");

  private UnqualifiedWriteCheck() {}

  /** One statement safeupdate would refuse. */
  public record Finding(String command, int line, String statement) {
    @Override
    public String toString() {
      return "line " + line + ": " + command + " without WHERE: " + statement;
    }
  }

  /** Every unqualified UPDATE/DELETE in {@code sql}, including nested strings and bodies. */
  public static List<Finding> check(String sql) {
    List<Finding> findings = new ArrayList<>();
    check(sql, 0, findings);
    return findings;
  }

  private static void check(String sql, int lineOffset, List<Finding> findings) {
    List<Token> tokens = tokenize(sql, lineOffset);
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.kind == Kind.STRING) {
        check(t.text, t.line - 1, findings);
        continue;
      }
      if (t.isWord("update") && isUpdateStatement(tokens, i)) {
        findings.addAll(unqualified("UPDATE", tokens, i));
      } else if (t.isWord("delete") && i + 1 < tokens.size() && tokens.get(i + 1).isWord("from")) {
        findings.addAll(unqualified("DELETE", tokens, i));
      }
    }
  }

  private static boolean isUpdateStatement(List<Token> tokens, int at) {
    if (at > 0 && tokens.get(at - 1).isWord("do")) {
      return false; // INSERT … ON CONFLICT DO UPDATE: an INSERT to safeupdate
    }
    int i = at + 1;
    if (i < tokens.size() && tokens.get(i).isWord("only")) {
      i++;
    }
    // a (possibly schema-qualified) relation name
    if (!isName(tokens, i)) {
      return false;
    }
    i++;
    while (i + 1 < tokens.size() && tokens.get(i).isSymbol(".") && isName(tokens, i + 1)) {
      i += 2;
    }
    if (i < tokens.size() && tokens.get(i).isSymbol("*")) {
      i++;
    }
    if (i < tokens.size() && tokens.get(i).isWord("set")) {
      return true;
    }
    if (i < tokens.size() && tokens.get(i).isWord("as")) {
      i++;
    }
    return isName(tokens, i) && i + 1 < tokens.size() && tokens.get(i + 1).isWord("set");
  }

  private static boolean isName(List<Token> tokens, int i) {
    return i < tokens.size()
        && (tokens.get(i).kind == Kind.WORD || tokens.get(i).kind == Kind.QUOTED_NAME)
        && !tokens.get(i).isWord("set");
  }

  private static List<Finding> unqualified(String command, List<Token> tokens, int start) {
    int depth = 0;
    int i = start + 1;
    for (; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isSymbol("(")) {
        depth++;
      } else if (t.isSymbol(")")) {
        if (--depth < 0) {
          break;
        }
      } else if (depth == 0 && (t.isSymbol(";") || STATEMENT_ENDS.contains(t.word()))) {
        break;
      } else if (depth == 0 && t.isWord("where")) {
        return List.of();
      }
    }
    StringBuilder text = new StringBuilder();
    for (int j = start; j < i && j < start + 24; j++) {
      text.append(j == start ? "" : " ").append(tokens.get(j).display());
    }
    if (i - start > 24) {
      text.append(" …");
    }
    return List.of(new Finding(command, tokens.get(start).line, text.toString()));
  }

  private enum Kind {
    WORD,
    QUOTED_NAME,
    STRING,
    SYMBOL
  }

  private record Token(Kind kind, String text, int line) {
    boolean isWord(String w) {
      return kind == Kind.WORD && text.equals(w);
    }

    boolean isSymbol(String s) {
      return kind == Kind.SYMBOL && text.equals(s);
    }

    String word() {
      return kind == Kind.WORD ? text : "";
    }

    String display() {
      return switch (kind) {
        case STRING -> "'…'";
        case QUOTED_NAME -> '"' + text + '"';
        default -> text;
      };
    }
  }

  /** Splits SQL (or a PL/pgSQL body) into words, quoted names, strings and symbols. */
  private static List<Token> tokenize(String sql, int lineOffset) {
    List<Token> tokens = new ArrayList<>();
    int n = sql.length();
    int line = 1 + lineOffset;
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int depth = 0;
        do {
          if (sql.startsWith("/*", i)) {
            depth++;
            i += 2;
          } else if (sql.startsWith("*/", i)) {
            depth--;
            i += 2;
          } else {
            if (sql.charAt(i) == '\n') {
              line++;
            }
            i++;
          }
        } while (i < n && depth > 0);
      } else if (c == '\'' || ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'')) {
        boolean escapes = c != '\'';
        int startLine = line;
        i += escapes ? 2 : 1;
        StringBuilder s = new StringBuilder();
        while (i < n) {
          char d = sql.charAt(i);
          if (escapes && d == '\\' && i + 1 < n) {
            s.append(sql.charAt(i + 1));
            i += 2;
            continue;
          }
          if (d == '\'') {
            if (i + 1 < n && sql.charAt(i + 1) == '\'') {
              s.append('\'');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (d == '\n') {
            line++;
          }
          s.append(d);
          i++;
        }
        tokens.add(new Token(Kind.STRING, s.toString(), startLine));
      } else if (c == '"') {
        int end = i + 1;
        StringBuilder s = new StringBuilder();
        while (end < n) {
          if (sql.charAt(end) == '"') {
            if (end + 1 < n && sql.charAt(end + 1) == '"') {
              s.append('"');
              end += 2;
              continue;
            }
            break;
          }
          s.append(sql.charAt(end++));
        }
        tokens.add(new Token(Kind.QUOTED_NAME, s.toString(), line));
        i = end + 1;
      } else if (c == '$' && dollarTag(sql, i) != null) {
        String tag = dollarTag(sql, i);
        int bodyStart = i + tag.length();
        int end = sql.indexOf(tag, bodyStart);
        if (end < 0) {
          end = n;
        }
        String body = sql.substring(bodyStart, end);
        tokens.add(new Token(Kind.STRING, body, line));
        line += (int) body.chars().filter(ch -> ch == '\n').count();
        i = Math.min(n, end + tag.length());
      } else if (Character.isLetter(c) || c == '_') {
        int end = i;
        while (end < n
            && (Character.isLetterOrDigit(sql.charAt(end))
                || sql.charAt(end) == '_'
                || sql.charAt(end) == '$')) {
          end++;
        }
        tokens.add(new Token(Kind.WORD, sql.substring(i, end).toLowerCase(Locale.ROOT), line));
        i = end;
      } else if (Character.isDigit(c)) {
        int end = i;
        while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '.')) {
          end++;
        }
        tokens.add(new Token(Kind.SYMBOL, sql.substring(i, end), line));
        i = end;
      } else {
        tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), line));
        i++;
      }
    }
    return tokens;
  }

  /** {@code $tag$} starting at {@code i}, or null when {@code $} starts no dollar quote. */
  private static String dollarTag(String sql, int i) {
    int end = i + 1;
    while (end < sql.length()
        && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
      end++;
    }
    if (end < sql.length() && sql.charAt(end) == '$') {
      String tag = sql.substring(i, end + 1);
      if (tag.length() > 2 && Character.isDigit(tag.charAt(1))) {
        return null; // $1 is a parameter
      }
      return tag;
    }
    return null;
  }
}
