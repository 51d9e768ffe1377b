package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.Node;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.PythonFormat;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * String/text nodes: Concatenate, FormatString, TextSplit, TextReplace, TextCase, TextLength,
 * TextTrim, Substring, RegexMatch, RegexReplace.
 */
final class TextNodes {
  private TextNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("ConcatenateNode", TextNodes::concatenate),
        NodeType.of("FormatStringNode", TextNodes::formatString),
        NodeType.of(
            "TextSplitNode",
            c ->
                ctx -> {
                  String text = ctx.string("text", "");
                  String sep = ctx.string("separator", ctx.string("delimiter", ""));
                  long max = ctx.integer("max_split", -1);
                  List<Object> parts = new ArrayList<>();
                  if (sep.isEmpty()) {
                    parts.addAll(Arrays.asList((Object[]) text.strip().split("\\s+")));
                    if (text.isBlank()) {
                      parts.clear();
                    }
                  } else {
                    parts.addAll(
                        Arrays.asList(
                            (Object[])
                                text.split(Pattern.quote(sep), max < 0 ? -1 : (int) max + 1)));
                  }
                  ctx.output("result", parts);
                  ctx.output("parts", parts);
                  ctx.output("count", (long) parts.size());
                  return NodeResult.next();
                }),
        NodeType.of(
            "TextReplaceNode",
            c ->
                ctx -> {
                  String text = ctx.string("text", "");
                  String from =
                      ctx.string("old_value", ctx.string("old", ctx.string("search", "")));
                  String to = ctx.string("new_value", ctx.string("new", ctx.string("replace", "")));
                  long count =
                      from.isEmpty()
                          ? 0
                          : (text.length() - text.replace(from, "").length()) / from.length();
                  ctx.output("result", text.replace(from, to));
                  ctx.output("replacements", count);
                  return NodeResult.next();
                }),
        NodeType.of(
            "TextCaseNode",
            c ->
                ctx -> {
                  String text = ctx.string("text", "");
                  String mode =
                      ctx.string("case", ctx.string("mode", "upper")).toLowerCase(Locale.ROOT);
                  String result =
                      switch (mode) {
                        case "lower" -> text.toLowerCase(Locale.ROOT);
                        case "title" -> title(text);
                        case "capitalize" ->
                            text.isEmpty()
                                ? text
                                : text.substring(0, 1).toUpperCase(Locale.ROOT)
                                    + text.substring(1).toLowerCase(Locale.ROOT);
                        case "swapcase" -> swap(text);
                        default -> text.toUpperCase(Locale.ROOT);
                      };
                  ctx.output("result", result);
                  return NodeResult.next();
                }),
        NodeType.of(
            "TextLengthNode",
            c ->
                ctx -> {
                  ctx.output("result", (long) ctx.string("text", "").length());
                  ctx.output("length", (long) ctx.string("text", "").length());
                  return NodeResult.next();
                }),
        NodeType.of(
            "TextTrimNode",
            c ->
                ctx -> {
                  ctx.output("result", ctx.string("text", "").strip());
                  return NodeResult.next();
                }),
        NodeType.of(
            "SubstringNode",
            c ->
                ctx -> {
                  String text = ctx.string("text", "");
                  int start = clamp(ctx.integer("start", 0), text.length());
                  int end = clamp(ctx.integer("end", text.length()), text.length());
                  ctx.output("result", start >= end ? "" : text.substring(start, end));
                  return NodeResult.next();
                }),
        NodeType.of("RegexMatchNode", TextNodes::regexMatch),
        NodeType.of(
            "RegexReplaceNode",
            c ->
                ctx -> {
                  Pattern p = compile(ctx.string("pattern", ""), ctx.nodeId());
                  String replacement =
                      ctx.string("replacement", "").replaceAll("\\\\(\\d)", "\\$$1");
                  String result =
                      p.matcher(new GuardedText(ctx.string("text", ""), ctx))
                          .replaceAll(replacement);
                  ctx.output("result", result);
                  return NodeResult.next();
                }));
  }

  /** {@code string_1}, {@code string_2}, {@code separator}. */
  private static Node concatenate(NodeConfig config) {
    return ctx -> {
      List<String> parts = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        Object v = ctx.param("string_" + i);
        if (v == null) {
          v = ctx.param("string" + i);
        }
        if (v != null) {
          parts.add(PythonText.str(v));
        }
      }
      String result = String.join(ctx.string("separator", ""), parts);
      ctx.output("result", result);
      return NodeResult.next();
    };
  }

  /** {@code template} formatted with Python {@code str.format(**variables)}. */
  private static Node formatString(NodeConfig config) {
    return ctx -> {
      String template = ctx.string("template", "");
      Object vars = ctx.param("variables");
      Map<String, Object> args = new LinkedHashMap<>(ctx.variables());
      if (vars instanceof Map<?, ?> m) {
        m.forEach((k, v) -> args.put(String.valueOf(k), v));
      } else if (vars != null && !"".equals(vars)) {
        throw new NodeException(
            ctx.nodeId() + ": variables must be a dict, got " + PythonText.repr(vars));
      }
      try {
        ctx.output("result", PythonFormat.format(template, args));
      } catch (IllegalArgumentException e) {
        throw new NodeException(
            ctx.nodeId() + ": cannot format template: " + e.getMessage(), "KeyError", e);
      }
      return NodeResult.next();
    };
  }

  /**
   * {@code text}, {@code pattern}, {@code ignore_case}; outs {@code match_found}, {@code
   * first_match}, {@code all_matches}, {@code groups}.
   */
  private static Node regexMatch(NodeConfig config) {
    return ctx -> {
      String flags = ctx.flag("ignore_case", false) ? "(?i)" : "";
      Pattern p = compile(flags + ctx.string("pattern", ""), ctx.nodeId());
      Matcher m = p.matcher(new GuardedText(ctx.string("text", ""), ctx));
      List<Object> all = new ArrayList<>();
      List<Object> groups = new ArrayList<>();
      while (m.find() && all.size() < 100_000) {
        if (all.isEmpty()) {
          for (int g = 1; g <= m.groupCount(); g++) {
            groups.add(m.group(g));
          }
        }
        all.add(m.group());
      }
      ctx.output("match_found", !all.isEmpty());
      ctx.output("first_match", all.isEmpty() ? "" : all.getFirst());
      ctx.output("all_matches", all);
      ctx.output("groups", groups);
      ctx.output("match_count", (long) all.size());
      return NodeResult.next();
    };
  }

  private static Pattern compile(String pattern, String nodeId) throws NodeException {
    try {
      return Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new NodeException(
          nodeId + ": invalid regular expression: " + e.getDescription(), "re.error", e);
    }
  }

  private static int clamp(long i, int len) {
    long at = i < 0 ? i + len : i;
    return (int) Math.max(0, Math.min(len, at));
  }

  private static String title(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean start = true;
    for (char c : text.toCharArray()) {
      out.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
      start = !Character.isLetter(c);
    }
    return out.toString();
  }

  private static String swap(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      out.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    return out.toString();
  }
}
