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
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** SetVariableNode, GetVariableNode, IncrementVariableNode. */
final class VariableNodes {
  private VariableNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("SetVariableNode", VariableNodes::set),
        NodeType.of("GetVariableNode", VariableNodes::get),
        NodeType.of("IncrementVariableNode", VariableNodes::increment));
  }

  static String variableName(NodeContext ctx) throws NodeException {
    String name = ctx.string("variable_name", "").strip();
    if (name.isEmpty()) {
      throw new NodeException(
          ctx.nodeId()
              + ": variable_name is empty; set config.variable_name to the variable to use");
    }
    return name;
  }

  /**
   * {@code variable_name}, {@code value} (or {@code default_value}); {@code variable_type} converts
   * only when set explicitly (String, Boolean, Int32, Float, List/Array, Dict/Object).
   */
  private static Node set(NodeConfig config) {
    String type = config.text("variable_type", null);
    return ctx -> {
      String name = variableName(ctx);
      Object value = ctx.param("value");
      if (value == null && !config.has("value")) {
        value = ctx.param("default_value");
      }
      value = type == null ? value : convert(value, type, ctx.nodeId());
      ctx.setVariable(name, value);
      ctx.output("value", value);
      ctx.output("variable_name", name);
      return NodeResult.next();
    };
  }

  static Object convert(Object value, String type, String nodeId) throws NodeException {
    try {
      return switch (type.strip().toLowerCase(Locale.ROOT)) {
        case "string", "str", "filepath", "text" -> value == null ? "" : PythonText.str(value);
        case "boolean", "bool" -> value instanceof String s ? parseBool(s) : PyOps.truthy(value);
        case "int32", "int", "integer", "int64" -> PyOps.toInt(value);
        case "float", "double", "number", "decimal" -> PyOps.toFloat(value);
        case "list", "array", "datatable" ->
            value instanceof String s
                ? JsonValues.toValue(JsonValues.MAPPER.readTree(s))
                : value instanceof List<?> ? value : new ArrayList<>(List.of(value));
        case "dict", "object" ->
            value instanceof String s ? JsonValues.toValue(JsonValues.MAPPER.readTree(s)) : value;
        default -> value;
      };
    } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new NodeException(
          nodeId
              + ": cannot convert "
              + PythonText.repr(value)
              + " to "
              + type
              + ": "
              + e.getMessage());
    }
  }

  private static boolean parseBool(String s) {
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      default -> false;
    };
  }

  private static Node get(NodeConfig config) {
    return ctx -> {
      String name = variableName(ctx);
      Map<String, Object> vars = ctx.variables();
      Object value = vars.containsKey(name) ? vars.get(name) : ctx.param("default_value");
      ctx.output("value", value);
      return NodeResult.next();
    };
  }

  private static Node increment(NodeConfig config) {
    return ctx -> {
      String name = variableName(ctx);
      Object current = ctx.variable(name);
      Object by = ctx.param("increment");
      // the original: float(current) + float(increment), so the result is always a float
      double base = current == null || "".equals(current) ? 0.0 : PyOps.toFloat(current);
      Object result = base + (by == null || "".equals(by) ? 1.0 : PyOps.toFloat(by));
      ctx.setVariable(name, result);
      ctx.output("value", result);
      return NodeResult.next();
    };
  }

  static Object parseNumber(String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return PyOps.toFloat(s);
    }
  }
}
