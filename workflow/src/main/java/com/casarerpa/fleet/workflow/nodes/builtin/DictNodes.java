package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.nodes.Node;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.PythonJson;
import com.casarerpa.fleet.workflow.template.PythonText;
import com.casarerpa.fleet.workflow.template.Scope;
import com.casarerpa.fleet.workflow.template.ValuePath;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dict/JSON nodes: CreateDict, DictGet, DictSet, DictRemove, DictKeys, DictValues, DictMerge,
 * JsonParse, DictToJson.
 */
final class DictNodes {
  private DictNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("CreateDictNode", DictNodes::createDict),
        NodeType.of(
            "DictGetNode",
            c ->
                ctx -> {
                  Map<String, Object> d = dict(ctx, "dict");
                  String key = ctx.string("key", "");
                  Object v = d.containsKey(key) ? d.get(key) : ctx.param("default");
                  ctx.output("value", v);
                  ctx.output("found", d.containsKey(key));
                  return NodeResult.next();
                }),
        NodeType.of(
            "DictSetNode",
            c ->
                ctx -> {
                  Map<String, Object> d = new LinkedHashMap<>(dict(ctx, "dict"));
                  d.put(ctx.string("key", ""), ctx.param("value"));
                  ctx.output("result", d);
                  ctx.output("dict", d);
                  return NodeResult.next();
                }),
        NodeType.of(
            "DictRemoveNode",
            c ->
                ctx -> {
                  Map<String, Object> d = new LinkedHashMap<>(dict(ctx, "dict"));
                  Object removed = d.remove(ctx.string("key", ""));
                  ctx.output("result", d);
                  ctx.output("dict", d);
                  ctx.output("removed_value", removed);
                  return NodeResult.next();
                }),
        NodeType.of(
            "DictKeysNode",
            c ->
                ctx -> {
                  Map<String, Object> d = dict(ctx, "dict");
                  ctx.output("keys", new ArrayList<Object>(d.keySet()));
                  ctx.output("count", (long) d.size());
                  return NodeResult.next();
                }),
        NodeType.of(
            "DictHasKeyNode",
            c ->
                ctx -> {
                  ctx.output("has_key", dict(ctx, "dict").containsKey(ctx.string("key", "")));
                  return NodeResult.next();
                }),
        NodeType.of(
            "DictItemsNode",
            c ->
                ctx -> {
                  List<Object> items = new ArrayList<>();
                  dict(ctx, "dict")
                      .forEach((k, v) -> items.add(new ArrayList<>(Arrays.asList(k, v))));
                  ctx.output("items", items);
                  ctx.output("count", (long) items.size());
                  return NodeResult.next();
                }),
        NodeType.of(
            "GetPropertyNode",
            c ->
                ctx -> {
                  Object target = ctx.param("object");
                  String path = ctx.string("property_path", "");
                  ValuePath p = ValuePath.parse("_." + path);
                  Object v =
                      p == null ? null : p.resolve(n -> n.equals("_") ? target : Scope.MISSING);
                  ctx.output("value", v == Scope.MISSING ? null : v);
                  return NodeResult.next();
                }),
        NodeType.of(
            "DictValuesNode",
            c ->
                ctx -> {
                  Map<String, Object> d = dict(ctx, "dict");
                  ctx.output("values", new ArrayList<>(d.values()));
                  ctx.output("count", (long) d.size());
                  return NodeResult.next();
                }),
        NodeType.of(
            "DictMergeNode",
            c ->
                ctx -> {
                  Map<String, Object> d =
                      new LinkedHashMap<>(
                          dict(ctx, ctx.param("dict_1") != null ? "dict_1" : "dict1"));
                  d.putAll(dict(ctx, ctx.param("dict_2") != null ? "dict_2" : "dict2"));
                  ctx.output("dict", d);
                  ctx.output("result", d);
                  return NodeResult.next();
                }),
        NodeType.of(
            "JsonParseNode",
            c ->
                ctx -> {
                  String text = ctx.string("json_string", ctx.string("json", ""));
                  ctx.output("data", parse(text, ctx.nodeId()));
                  return NodeResult.next();
                }),
        NodeType.of(
            "DictToJsonNode",
            c ->
                ctx -> {
                  Object d = ctx.param("dict");
                  if (d == null || "".equals(d) || Boolean.FALSE.equals(d)) {
                    d = Map.of(); // the original: `d if d else {}`
                  }
                  Object indent = ctx.param("indent");
                  Integer spaces =
                      indent == null || "".equals(indent) || Boolean.FALSE.equals(indent)
                          ? null
                          : Boolean.TRUE.equals(indent) ? 2 : (int) ctx.integer("indent", 2);
                  ctx.output(
                      "json_string",
                      PythonJson.dumps(
                          d, spaces, ctx.flag("sort_keys", false), ctx.flag("ensure_ascii", true)));
                  return NodeResult.next();
                }));
  }

  /** {@code key_1..key_N} / {@code value_1..value_N}; out {@code dict}. */
  private static Node createDict(NodeConfig config) {
    return ctx -> {
      Map<String, Object> d = new LinkedHashMap<>();
      for (int i = 1; i <= 20; i++) {
        Object key = ctx.param("key_" + i);
        if (key != null && !"".equals(key)) {
          d.put(PythonText.str(key), ctx.param("value_" + i));
        }
      }
      ctx.output("dict", d);
      return NodeResult.next();
    };
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> dict(NodeContext ctx, String key) throws NodeException {
    Object v = ctx.param(key);
    if (v == null || "".equals(v)) {
      return Map.of();
    }
    if (v instanceof String s) {
      v = parse(s, ctx.nodeId());
    }
    if (v instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new NodeException(
        ctx.nodeId() + ": " + key + " must be a dict, got " + PythonText.repr(v));
  }

  static Object parse(String text, String nodeId) throws NodeException {
    try {
      return JsonValues.toValue(JsonValues.MAPPER.readTree(text));
    } catch (JsonProcessingException e) {
      throw new NodeException(
          nodeId + ": invalid JSON: " + e.getOriginalMessage(), "JSONDecodeError", e);
    }
  }
}
