package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/** RandomChoiceNode, RandomStringNode, RandomUUIDNode, ShuffleListNode. */
final class RandomNodes {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private RandomNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of(
            "RandomChoiceNode",
            c ->
                ctx -> {
                  List<?> items = items(ctx);
                  if (items.isEmpty()) {
                    throw new NodeException(
                        ctx.nodeId() + ": items is empty; nothing to choose from",
                        "IndexError",
                        null);
                  }
                  int i = RANDOM.nextInt(items.size());
                  ctx.output("index", (long) i);
                  ctx.output("result", items.get(i));
                  return NodeResult.next();
                }),
        NodeType.of(
            "RandomStringNode",
            c ->
                ctx -> {
                  long length = ctx.integer("length", 8);
                  if (length < 0 || length > 1_000_000) {
                    throw new NodeException(
                        ctx.nodeId() + ": length must be between 0 and 1000000, got " + length);
                  }
                  String chars = ctx.string("characters", ctx.string("charset", ALPHANUMERIC));
                  StringBuilder out = new StringBuilder((int) length);
                  for (int i = 0; i < length && !chars.isEmpty(); i++) {
                    out.append(chars.charAt(RANDOM.nextInt(chars.length())));
                  }
                  ctx.output("result", out.toString());
                  return NodeResult.next();
                }),
        NodeType.of(
            "RandomUUIDNode",
            c ->
                ctx -> {
                  String uuid = UUID.randomUUID().toString();
                  ctx.output("result", uuid);
                  ctx.output("uuid", uuid);
                  return NodeResult.next();
                }),
        NodeType.of(
            "ShuffleListNode",
            c ->
                ctx -> {
                  List<Object> out = new ArrayList<>(items(ctx));
                  Collections.shuffle(out, RANDOM);
                  ctx.output("result", out);
                  return NodeResult.next();
                }));
  }

  private static List<?> items(NodeContext ctx) throws NodeException {
    Object v = ctx.param("items");
    if (v == null || "".equals(v)) {
      v = ctx.param("list"); // what the corpus' authors wrote; the original reads only items
    }
    if (v == null || "".equals(v)) {
      return List.of(); // the original's default
    }
    if (v instanceof String s && s.strip().startsWith("[")) {
      v = DictNodes.parse(s, ctx.nodeId());
    }
    if (v instanceof List<?> l) {
      return l;
    }
    throw new NodeException(ctx.nodeId() + ": items must be a list, got " + PythonText.repr(v));
  }
}
