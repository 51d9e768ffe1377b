package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Text search and shaping: Contains, StartsWith, EndsWith, Substring, Count, Join, Lines, Pad,
 * Reverse, Extract.
 */
final class TextSearchNodes {
  private TextSearchNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of(
            "TextContainsNode",
            c ->
                ctx -> {
                  boolean caseSensitive = ctx.flag("case_sensitive", true);
                  String text = fold(ctx.string("text", ""), caseSensitive);
                  String search = fold(ctx.string("search", ""), caseSensitive);
                  ctx.output("contains", text.contains(search));
                  ctx.output("position", (long) text.indexOf(search));
                  ctx.output("count", count(text, search));
                  return NodeResult.next();
                }),
        NodeType.of(
            "TextStartsWithNode",
            c ->
                ctx ->
                    done(
                        ctx,
                        "result",
                        ctx.string("text", "").startsWith(ctx.string("prefix", "")))),
        NodeType.of(
            "TextEndsWithNode",
            c ->
                ctx ->
                    done(ctx, "result", ctx.string("text", "").endsWith(ctx.string("suffix", "")))),
        NodeType.of(
            "TextSubstringNode",
            c ->
                ctx -> {
                  String text = ctx.string("text", "");
                  int start = clamp(ctx.integer("start", 0), text.length());
                  int end = clamp(ctx.integer("end", text.length()), text.length());
                  String result = start >= end ? "" : text.substring(start, end);
                  ctx.output("length", (long) result.length());
                  return done(ctx, "result", result);
                }),
        NodeType.of(
            "TextCountNode",
            c ->
                ctx -> {
                  long n =
                      count(
                          ctx.string("text", ""),
                          ctx.string("search", ctx.string("substring", "")));
                  ctx.output("result", n);
                  return done(ctx, "count", n);
                }),
        NodeType.of(
            "TextJoinNode",
            c ->
                ctx -> {
                  Object items = ctx.param("items");
                  List<String> parts = new ArrayList<>();
                  if (items instanceof List<?> list) {
                    list.forEach(v -> parts.add(PythonText.str(v)));
                  } else if (items != null) {
                    throw new NodeException(
                        ctx.nodeId() + ": items must be a list, got " + PythonText.repr(items));
                  }
                  return done(ctx, "result", String.join(ctx.string("separator", ""), parts));
                }),
        NodeType.of(
            "TextLinesNode",
            c ->
                ctx -> {
                  String text = ctx.string("text", "");
                  List<Object> lines =
                      new ArrayList<>(Arrays.asList((Object[]) text.split("\\r?\\n", -1)));
                  if (text.isEmpty()) {
                    lines.clear();
                  }
                  ctx.output("text", text);
                  ctx.output("count", (long) lines.size());
                  return done(ctx, "lines", lines);
                }),
        NodeType.of(
            "TextPadNode",
            c ->
                ctx -> {
                  String text = ctx.string("text", "");
                  int width =
                      (int)
                          Math.min(
                              100_000, ctx.integer("length", ctx.integer("width", text.length())));
                  String fill = ctx.string("pad_char", " ");
                  String side =
                      ctx.string("side", ctx.string("mode", "left")).toLowerCase(Locale.ROOT);
                  return done(
                      ctx,
                      "result",
                      pad(text, width, fill.isEmpty() ? " " : fill.substring(0, 1), side));
                }),
        NodeType.of(
            "TextReverseNode",
            c ->
                ctx ->
                    done(
                        ctx,
                        "result",
                        new StringBuilder(ctx.string("text", "")).reverse().toString())),
        NodeType.of(
            "TextExtractNode",
            c ->
                ctx -> {
                  Pattern p;
                  try {
                    p = Pattern.compile(ctx.string("pattern", ""));
                  } catch (PatternSyntaxException e) {
                    throw new NodeException(
                        ctx.nodeId() + ": invalid regular expression: " + e.getDescription(),
                        "re.error",
                        e);
                  }
                  Matcher m = p.matcher(new GuardedText(ctx.string("text", ""), ctx));
                  boolean found = m.find();
                  List<Object> groups = new ArrayList<>();
                  for (int g = 1; found && g <= m.groupCount(); g++) {
                    groups.add(m.group(g));
                  }
                  ctx.output("groups", groups);
                  ctx.output("found", found);
                  return done(ctx, "match", found ? m.group() : "");
                }));
  }

  private static NodeResult done(NodeContext ctx, String port, Object value) {
    ctx.output(port, value);
    return NodeResult.next();
  }

  private static String fold(String s, boolean caseSensitive) {
    return caseSensitive ? s : s.toLowerCase(Locale.ROOT);
  }

  private static long count(String text, String search) {
    if (search.isEmpty()) {
      return text.length() + 1L;
    }
    long n = 0;
    for (int at = text.indexOf(search); at >= 0; at = text.indexOf(search, at + search.length())) {
      n++;
    }
    return n;
  }

  private static int clamp(long i, int len) {
    long at = i < 0 ? i + len : i;
    return (int) Math.max(0, Math.min(len, at));
  }

  private static String pad(String text, int width, String fill, String side) {
    int missing = width - text.length();
    if (missing <= 0) {
      return text;
    }
    return switch (side) {
      case "right" -> text + fill.repeat(missing);
      case "center", "both" -> fill.repeat(missing / 2) + text + fill.repeat(missing - missing / 2);
      default -> fill.repeat(missing) + text;
    };
  }
}
