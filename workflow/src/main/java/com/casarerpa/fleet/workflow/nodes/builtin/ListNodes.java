package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.expr.PyOps;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * List nodes: Create, GetItem, Length, Append, Contains, Slice, Join, Sort, Reverse, Unique,
 * Filter, Map, Reduce, Flatten.
 */
final class ListNodes {
  private ListNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of(
            "CreateListNode",
            c ->
                ctx -> {
                  List<Object> out = new ArrayList<>();
                  for (int i = 1; i <= 20; i++) {
                    Object v = ctx.param("item_" + i);
                    if (v != null) {
                      out.add(v);
                    }
                  }
                  return done(ctx, "list", out);
                }),
        NodeType.of(
            "ListGetItemNode",
            c ->
                ctx -> {
                  List<Object> list = list(ctx);
                  long i = ctx.integer("index", 0);
                  long at = i < 0 ? i + list.size() : i;
                  if (at < 0 || at >= list.size()) {
                    throw new NodeException(
                        ctx.nodeId()
                            + ": list index "
                            + i
                            + " out of range (size "
                            + list.size()
                            + ")",
                        "IndexError",
                        null);
                  }
                  return done(ctx, "item", list.get((int) at));
                }),
        NodeType.of("ListLengthNode", c -> ctx -> done(ctx, "length", (long) list(ctx).size())),
        NodeType.of(
            "ListAppendNode",
            c ->
                ctx -> {
                  List<Object> out = new ArrayList<>(list(ctx));
                  out.add(ctx.param("item"));
                  return done(ctx, "result", out);
                }),
        NodeType.of(
            "ListContainsNode",
            c ->
                ctx -> {
                  List<Object> list = list(ctx);
                  Object item = ctx.param("item");
                  int index = -1;
                  for (int i = 0; i < list.size() && index < 0; i++) {
                    index = PyOps.eq(list.get(i), item) ? i : -1;
                  }
                  ctx.output("index", (long) index);
                  return done(ctx, "contains", index >= 0);
                }),
        NodeType.of(
            "ListSliceNode",
            c ->
                ctx -> {
                  List<Object> list = list(ctx);
                  int start = clamp(ctx.integer("start", 0), list.size());
                  int end = clamp(ctx.integer("end", list.size()), list.size());
                  return done(
                      ctx,
                      "result",
                      start >= end ? new ArrayList<>() : new ArrayList<>(list.subList(start, end)));
                }),
        NodeType.of(
            "ListJoinNode",
            c ->
                ctx -> {
                  List<String> parts = new ArrayList<>();
                  list(ctx).forEach(v -> parts.add(PythonText.str(v)));
                  return done(ctx, "result", String.join(ctx.string("separator", ", "), parts));
                }),
        NodeType.of(
            "ListSortNode",
            c ->
                ctx -> {
                  List<Object> out = new ArrayList<>(list(ctx));
                  String key = ctx.string("key_path", "");
                  out.sort(
                      (a, b) -> PyOps.compare(ListItems.path(a, key), ListItems.path(b, key), "<"));
                  if (ctx.flag("reverse", false)) {
                    Collections.reverse(out);
                  }
                  return done(ctx, "result", out);
                }),
        NodeType.of(
            "ListReverseNode",
            c ->
                ctx -> {
                  List<Object> out = new ArrayList<>(list(ctx));
                  Collections.reverse(out);
                  return done(ctx, "result", out);
                }),
        NodeType.of(
            "ListUniqueNode",
            c ->
                ctx -> {
                  List<Object> out = new ArrayList<>();
                  for (Object v : list(ctx)) {
                    if (out.stream().noneMatch(x -> PyOps.eq(x, v))) {
                      out.add(v);
                    }
                  }
                  return done(ctx, "result", out);
                }),
        NodeType.of("ListFilterNode", c -> ctx -> ListItems.filter(ctx, list(ctx))),
        NodeType.of("ListMapNode", c -> ctx -> ListItems.map(ctx, list(ctx))),
        NodeType.of("ListReduceNode", c -> ctx -> ListItems.reduce(ctx, list(ctx))),
        NodeType.of(
            "ListFlattenNode",
            c ->
                ctx ->
                    done(
                        ctx,
                        "result",
                        ListItems.flatten(
                            list(ctx), (int) Math.min(100, ctx.integer("depth", 1))))));
  }

  private static NodeResult done(NodeContext ctx, String port, Object value) {
    ctx.output(port, value);
    return NodeResult.next();
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(NodeContext ctx) throws NodeException {
    Object v = ctx.param("list");
    if (v == null || "".equals(v)) {
      return List.of();
    }
    if (v instanceof String s && s.strip().startsWith("[")) {
      v = DictNodes.parse(s, ctx.nodeId());
    } else if (v instanceof String s) {
      // the original: a string names a variable ({{name}} or name); unresolved means []
      String name = s.strip().replaceAll("^\\{\\{\\s*|\\s*}}$", "");
      Object resolved = name.isEmpty() ? null : ctx.variable(name);
      v = resolved != null ? resolved : List.of();
    }
    if (v instanceof List<?> l) {
      return (List<Object>) l;
    }
    throw new NodeException(
        ctx.nodeId() + ": list must be a list, got " + PyOps.typeName(v) + " " + PythonText.repr(v),
        "ValueError",
        null);
  }

  private static int clamp(long i, int len) {
    long at = i < 0 ? i + len : i;
    return (int) Math.max(0, Math.min(len, at));
  }
}
