package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.expr.PyOps;
import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.nodes.Node;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ValidateNode (routes {@code valid}/{@code invalid}) and TransformNode. */
final class UtilityNodes {
  private static final Pattern EMAIL = Pattern.compile("^[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+$");

  private UtilityNodes() {}

  static List<NodeType> all() {
    return List.of(validate(), NodeType.of("TransformNode", c -> UtilityNodes::transform));
  }

  private static NodeType validate() {
    return new NodeType() {
      @Override
      public String name() {
        return "ValidateNode";
      }

      @Override
      public List<String> execOutputs() {
        return List.of("valid", "invalid");
      }

      @Override
      public Node create(NodeConfig config) {
        return ctx -> {
          String problem =
              problem(
                  ctx,
                  ctx.param("value"),
                  ctx.string("validation_type", "not_empty"),
                  ctx.param("validation_param"));
          ctx.output("is_valid", problem == null);
          ctx.output("error_message", problem == null ? "" : problem);
          return NodeResult.route(problem == null ? "valid" : "invalid");
        };
      }
    };
  }

  /** Why {@code value} fails {@code type}, or null when it passes. */
  private static String problem(NodeContext ctx, Object value, String type, Object param)
      throws NodeException {
    boolean ok =
        switch (type) {
          case "not_empty" -> PyOps.truthy(value);
          case "is_string" -> value instanceof String;
          case "is_number" -> value instanceof Number || numeric(value);
          case "is_integer" ->
              value instanceof Long || (value instanceof String s && s.strip().matches("-?\\d+"));
          case "is_boolean" -> value instanceof Boolean;
          case "is_list" -> value instanceof List<?>;
          case "is_dict" -> value instanceof Map<?, ?>;
          case "matches_regex" ->
              value != null
                  && Pattern.compile(PythonText.str(param)).matcher(PythonText.str(value)).find();
          case "min_length" -> length(value) >= PyOps.toInt(param);
          case "max_length" -> length(value) <= PyOps.toInt(param);
          case "min_value" -> PyOps.toFloat(value) >= PyOps.toFloat(param);
          case "max_value" -> PyOps.toFloat(value) <= PyOps.toFloat(param);
          case "in_list" ->
              param instanceof List<?> l && l.stream().anyMatch(x -> PyOps.eq(x, value));
          case "is_email" -> value instanceof String s && EMAIL.matcher(s).matches();
          case "is_url" -> value instanceof String s && s.matches("^https?://\\S+$");
          default ->
              throw new NodeException(ctx.nodeId() + ": unknown validation_type '" + type + "'");
        };
    return ok
        ? null
        : "value "
            + PythonText.repr(value)
            + " failed "
            + type
            + (param == null ? "" : " (" + PythonText.str(param) + ")");
  }

  private static boolean numeric(Object v) {
    try {
      PyOps.toFloat(v);
      return v instanceof String;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static long length(Object v) {
    return v instanceof List<?> l
        ? l.size()
        : v instanceof Map<?, ?> m ? m.size() : v == null ? 0 : PythonText.str(v).length();
  }

  /**
   * {@code value}, {@code transform_type}, {@code param}; sets {@code variable_name} (default
   * "transformed").
   */
  private static NodeResult transform(NodeContext ctx) throws NodeException {
    Object value = ctx.param("value");
    String type = ctx.string("transform_type", "to_string").toLowerCase(Locale.ROOT);
    Object param = ctx.param("param") != null ? ctx.param("param") : ctx.param("transform_param");
    Object result;
    try {
      result = apply(type, value, param);
    } catch (RuntimeException e) {
      throw new NodeException(
          ctx.nodeId()
              + ": "
              + type
              + " failed on "
              + PythonText.repr(value)
              + ": "
              + e.getMessage(),
          "ValueError",
          e);
    }
    ctx.setVariable(ctx.string("variable_name", "transformed"), result);
    ctx.output("result", result);
    ctx.output("success", true);
    ctx.output("error", "");
    return NodeResult.next();
  }

  private static Object apply(String type, Object value, Object param) {
    String text = value == null ? "" : PythonText.str(value);
    String p = param == null ? "" : PythonText.str(param);
    return switch (type) {
      case "to_string" -> text;
      case "to_integer" -> PyOps.toInt(value instanceof String s ? s.strip() : value);
      case "to_float" -> PyOps.toFloat(value);
      case "to_boolean" ->
          value instanceof String s
              ? List.of("true", "1", "yes", "on").contains(s.strip().toLowerCase(Locale.ROOT))
              : PyOps.truthy(value);
      case "to_list" ->
          value instanceof List<?> ? value : new ArrayList<>(List.of(value == null ? "" : value));
      case "to_json" -> JsonValues.write(value);
      case "from_json" -> parse(text);
      case "uppercase" -> text.toUpperCase(Locale.ROOT);
      case "lowercase" -> text.toLowerCase(Locale.ROOT);
      case "trim" -> text.strip();
      case "split" ->
          new ArrayList<Object>(
              Arrays.asList(
                  (Object[])
                      (p.isEmpty()
                          ? text.strip().split("\\s+")
                          : text.split(Pattern.quote(p), -1))));
      case "join" ->
          value instanceof List<?> l
              ? String.join(p, l.stream().map(PythonText::str).toList())
              : text;
      case "replace" -> replace(text, p);
      case "regex_extract" -> extract(text, p);
      case "get_key" -> value instanceof Map<?, ?> m ? m.get(p) : null;
      case "get_index" -> value instanceof List<?> l ? l.get((int) PyOps.toInt(p)) : null;
      default -> throw new IllegalArgumentException("unknown transform_type '" + type + "'");
    };
  }

  private static Object parse(String text) {
    try {
      return JsonValues.toValue(JsonValues.MAPPER.readTree(text));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage());
    }
  }

  /** {@code param} is {@code old,new} (the original's convention). */
  private static String replace(String text, String param) {
    int comma = param.indexOf(',');
    return comma < 0 ? text : text.replace(param.substring(0, comma), param.substring(comma + 1));
  }

  private static String extract(String text, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    return m.find() ? (m.groupCount() > 0 ? m.group(1) : m.group()) : "";
  }
}
