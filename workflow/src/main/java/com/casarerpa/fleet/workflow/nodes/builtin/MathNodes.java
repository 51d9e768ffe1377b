package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.expr.PyOps;
import com.casarerpa.fleet.workflow.nodes.Node;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** MathOperationNode, ComparisonNode, RandomNumberNode. */
final class MathNodes {
  private MathNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("MathOperationNode", MathNodes::math),
        NodeType.of("ComparisonNode", MathNodes::comparison),
        NodeType.of("RandomNumberNode", MathNodes::random));
  }

  /**
   * {@code operation}, {@code a}, {@code b}, {@code round_digits}, {@code output_var}; float
   * result.
   */
  private static Node math(NodeConfig config) throws NodeException {
    String op = config.text("operation", "add").strip().toLowerCase(Locale.ROOT);
    if (!OPERATIONS.contains(op)) {
      throw new NodeException(
          "unknown operation '"
              + op
              + "': the original's MathOperationNode fails here too, at run time, with"
              + " \"Unknown operation: "
              + op
              + "\"; use one of "
              + OPERATIONS
              + ("length".equals(op) ? " (the length of a text is TextLengthNode)" : ""));
    }
    return ctx -> {
      double a = operand(ctx, "a", 0);
      double b = operand(ctx, "b", 0);
      double r = compute(op, a, b);
      Object digits = ctx.param("round_digits");
      if (digits != null && !"".equals(digits) && Double.isFinite(r)) {
        r =
            new BigDecimal(r)
                .setScale((int) PyOps.toInt(digits), RoundingMode.HALF_EVEN)
                .doubleValue();
      }
      String outputVar = ctx.string("output_var", "").strip();
      if (!outputVar.isEmpty()) {
        ctx.setVariable(outputVar, r);
      }
      ctx.output("result", r);
      return NodeResult.next();
    };
  }

  private static final List<String> OPERATIONS =
      List.of(
          "add",
          "subtract",
          "multiply",
          "divide",
          "floor_divide",
          "power",
          "modulo",
          "min",
          "max",
          "abs",
          "sqrt",
          "floor",
          "ceil",
          "round",
          "sin",
          "cos",
          "tan",
          "log",
          "log10",
          "exp",
          "negate");

  private static double operand(NodeContext ctx, String key, double fallback) throws NodeException {
    Object v = ctx.param(key);
    if (v == null || "".equals(v)) {
      return fallback;
    }
    try {
      return PyOps.toFloat(v);
    } catch (RuntimeException e) {
      throw new NodeException(
          ctx.nodeId()
              + ": "
              + key
              + " is not a number ("
              + PythonText.repr(v)
              + "): "
              + e.getMessage());
    }
  }

  static double compute(String op, double a, double b) throws NodeException {
    return switch (op) {
      case "add" -> a + b;
      case "subtract" -> a - b;
      case "multiply" -> a * b;
      case "divide" -> nonZero(b, a / b);
      case "floor_divide" -> nonZero(b, Math.floor(a / b));
      case "modulo" -> nonZero(b, a - b * Math.floor(a / b));
      case "power" -> Math.pow(a, b);
      case "min" -> Math.min(a, b);
      case "max" -> Math.max(a, b);
      case "abs" -> Math.abs(a);
      case "sqrt" -> domain(a >= 0, Math.sqrt(a));
      case "floor" -> Math.floor(a);
      case "ceil" -> Math.ceil(a);
      case "round" -> Math.rint(a);
      case "sin" -> Math.sin(a);
      case "cos" -> Math.cos(a);
      case "tan" -> Math.tan(a);
      case "log" -> domain(a > 0, Math.log(a));
      case "log10" -> domain(a > 0, Math.log10(a));
      case "exp" -> Math.exp(a);
      case "negate" -> -a;
      default -> throw new NodeException("unknown operation '" + op + "'");
    };
  }

  private static double nonZero(double b, double result) throws NodeException {
    if (b == 0) {
      throw new NodeException("float division by zero", "ZeroDivisionError", null);
    }
    return result;
  }

  private static double domain(boolean ok, double result) throws NodeException {
    if (!ok) {
      throw new NodeException("math domain error", "ValueError", null);
    }
    return result;
  }

  /** {@code a}, {@code b}, {@code operator} ({@code ==} or "greater than (>)" style). */
  private static Node comparison(NodeConfig config) throws NodeException {
    String op = symbol(config.text("operator", "=="));
    return ctx -> {
      Object a = numeric(ctx.param("a"));
      Object b = numeric(ctx.param("b"));
      boolean result =
          switch (op) {
            case "==" -> PyOps.eq(a, b);
            case "!=" -> !PyOps.eq(a, b);
            case ">" -> PyOps.compare(a, b, op) > 0;
            case "<" -> PyOps.compare(a, b, op) < 0;
            case ">=" -> PyOps.compare(a, b, op) >= 0;
            default -> PyOps.compare(a, b, op) <= 0;
          };
      ctx.output("result", result);
      return NodeResult.next();
    };
  }

  private static String symbol(String operator) throws NodeException {
    String s = operator.strip();
    int open = s.lastIndexOf('(');
    if (open >= 0 && s.endsWith(")")) {
      s = s.substring(open + 1, s.length() - 1).strip();
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "==", "equals", "equal", "eq" -> "==";
      case "!=", "not equals", "ne" -> "!=";
      case ">", "greater than", "gt" -> ">";
      case "<", "less than", "lt" -> "<";
      case ">=", "greater than or equal", "ge" -> ">=";
      case "<=", "less than or equal", "le" -> "<=";
      default ->
          throw new NodeException(
              "unknown operator '" + operator + "'; use ==, !=, >, <, >= or <=");
    };
  }

  /** Numeric strings compare as numbers, like the original's coercion. */
  private static Object numeric(Object v) {
    if (v instanceof String s) {
      try {
        return VariableNodes.parseNumber(s);
      } catch (RuntimeException notNumeric) {
        return s;
      }
    }
    return v;
  }

  /**
   * {@code min_value} (0), {@code max_value} (100), {@code integer_only} (false, as the original).
   */
  private static Node random(NodeConfig config) {
    return ctx -> {
      double min = ctx.number("min_value", ctx.number("min", 0));
      double max = ctx.number("max_value", ctx.number("max", 100));
      if (max < min) {
        throw new NodeException(ctx.nodeId() + ": max_value " + max + " is below min_value " + min);
      }
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      Object r =
          ctx.flag("integer_only", false)
              ? (Object) rnd.nextLong((long) Math.ceil(min), (long) Math.floor(max) + 1)
              : (Object) (min + rnd.nextDouble() * (max - min));
      ctx.output("result", r);
      return NodeResult.next();
    };
  }
}
