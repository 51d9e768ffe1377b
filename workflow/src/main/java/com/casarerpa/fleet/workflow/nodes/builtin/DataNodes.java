package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.expr.EvaluationException;
import com.casarerpa.fleet.workflow.expr.Expression;
import com.casarerpa.fleet.workflow.expr.PyOps;
import com.casarerpa.fleet.workflow.nodes.Node;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.Scope;
import java.util.List;
import java.util.Map;

/** EvaluateExpressionNode (the safe evaluator) and StructuredDataSuperNode. */
final class DataNodes {
  private DataNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("EvaluateExpressionNode", DataNodes::evaluate),
        NodeType.of("StructuredDataSuperNode", DataNodes::structured));
  }

  /**
   * {@code expression} through the engine's own expression language (comparisons, arithmetic,
   * {@code and/or/not}, {@code {{x}}} references, a few pure functions; no host access, unlike a
   * Python {@code eval}); outputs {@code result}, {@code result_type}, {@code success}. A config
   * expression is parsed once, so a syntax error is an {@code INVALID_CONFIG} before the run.
   */
  private static Node evaluate(NodeConfig config) throws NodeException {
    Object raw = config.raw("expression");
    Expression compiled;
    try {
      compiled = raw instanceof String s && !s.isBlank() ? Expression.parse(s) : null;
    } catch (EvaluationException e) {
      throw new NodeException(
          "invalid expression: " + e.getMessage() + "; use arithmetic, comparisons and {{names}}");
    }
    return ctx -> {
      Expression e = compiled;
      Object port = ctx.input("expression");
      if (port instanceof String s && !s.isBlank()) {
        e = parse(ctx, s);
      }
      if (e == null) {
        throw new NodeException(ctx.nodeId() + ": expression is empty", "ValueError", null);
      }
      Map<String, Object> vars = ctx.variables();
      Scope scope = name -> vars.containsKey(name) ? vars.get(name) : Scope.MISSING;
      Object result;
      try {
        result = e.evaluate(scope);
      } catch (EvaluationException ex) {
        throw new NodeException(
            ctx.nodeId() + ": cannot evaluate the expression: " + ex.getMessage(),
            "EvaluationError",
            null);
      }
      ctx.output("result", result);
      ctx.output("result_type", PyOps.typeName(result));
      ctx.output("success", true);
      return NodeResult.next();
    };
  }

  private static Expression parse(NodeContext ctx, String source) throws NodeException {
    try {
      return Expression.parse(source);
    } catch (EvaluationException e) {
      throw new NodeException(
          ctx.nodeId() + ": invalid expression: " + e.getMessage(), "SyntaxError", null);
    }
  }

  /**
   * The original's actions {@code Read CSV}, {@code Write CSV}, {@code Read JSON}, {@code Write
   * JSON} (the same nodes as ReadCSVNode, ...). Zip/Unzip/Image Convert are not built in; any other
   * action is an {@code INVALID_CONFIG} before the run (the original fails with "Unknown action").
   */
  private static Node structured(NodeConfig config) throws NodeException {
    String action = config.text("action", "Read CSV");
    String name =
        switch (action.strip().toLowerCase()) {
          case "read csv" -> "ReadCSVNode";
          case "write csv" -> "WriteCSVNode";
          case "read json" -> "ReadJSONFileNode";
          case "write json" -> "WriteJSONFileNode";
          case "zip files", "unzip files", "image convert" ->
              throw new NodeException(
                  "action '" + action + "' is not built into this engine; use a plugin");
          default ->
              throw new NodeException(
                  "unknown action '"
                      + action
                      + "': the original's StructuredDataSuperNode fails here too, at run time,"
                      + " with \"Unknown action: "
                      + action
                      + "\"; use one of Read CSV, Write CSV, Read JSON, Write JSON (text is"
                      + " parsed by JsonParseNode or ParseXMLNode)");
        };
    for (NodeType t : FileNodes.all()) {
      if (t.name().equals(name)) {
        return t.create(config);
      }
    }
    throw new NodeException("action '" + action + "' has no implementation");
  }
}
