package com.casarerpa.fleet.workflow.expr;

import com.casarerpa.fleet.workflow.expr.ExpressionLexer.Kind;
import com.casarerpa.fleet.workflow.expr.ExpressionLexer.Token;
import com.casarerpa.fleet.workflow.template.Scope;
import com.casarerpa.fleet.workflow.template.ValuePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser, Python precedence: or < and < not < comparison < + - < * / // % < unary
 * < **.
 */
final class ExpressionParser {
  private static final int MAX_DEPTH = 64;
  private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", ">", "<=", ">=");

  private final String source;
  private final List<Token> tokens;
  private int index;
  private int depth;

  ExpressionParser(String source) {
    if (source.length() > Expression.MAX_LENGTH) {
      throw new EvaluationException(
          "expression is "
              + source.length()
              + " characters; the limit is "
              + Expression.MAX_LENGTH);
    }
    this.source = source;
    this.tokens = new ExpressionLexer(source).tokens();
  }

  Expression parseAll() {
    if (peek().kind() == Kind.END) {
      throw new EvaluationException("empty expression");
    }
    Expression e = conditional();
    if (peek().kind() != Kind.END) {
      throw error("unexpected '" + peek().text() + "'");
    }
    return e;
  }

  private Token peek() {
    return tokens.get(index);
  }

  private boolean at(String text) {
    Token t = peek();
    return (t.kind() == Kind.OP || t.kind() == Kind.NAME) && t.text().equals(text);
  }

  private boolean accept(String text) {
    if (at(text)) {
      index++;
      return true;
    }
    return false;
  }

  private void expect(String text) {
    if (!accept(text)) {
      throw error("expected '" + text + "'");
    }
  }

  private EvaluationException error(String what) {
    return new EvaluationException(what + " at position " + peek().pos() + " in: " + source);
  }

  /** Python's {@code a if cond else b}. */
  private Expression conditional() {
    Expression value = or();
    if (!accept("if")) {
      return value;
    }
    Expression test = or();
    expect("else");
    Expression otherwise = descend(this::conditional);
    return s -> PyOps.truthy(test.evaluate(s)) ? value.evaluate(s) : otherwise.evaluate(s);
  }

  private Expression or() {
    Expression left = and();
    while (accept("or") || accept("||")) {
      Expression l = left;
      Expression r = and();
      left = s -> PyOps.truthy(l.evaluate(s)) ? l.evaluate(s) : r.evaluate(s);
    }
    return left;
  }

  private Expression and() {
    Expression left = not();
    while (accept("and") || accept("&&")) {
      Expression l = left;
      Expression r = not();
      left =
          s -> {
            Object v = l.evaluate(s);
            return PyOps.truthy(v) ? r.evaluate(s) : v;
          };
    }
    return left;
  }

  private Expression not() {
    if (accept("not") || accept("!")) {
      Expression inner = descend(this::not);
      return s -> !PyOps.truthy(inner.evaluate(s));
    }
    return comparison();
  }

  private Expression comparison() {
    Expression first = additive();
    List<String> ops = new ArrayList<>();
    List<Expression> operands = new ArrayList<>(List.of(first));
    while (true) {
      String op = comparisonOperator();
      if (op == null) {
        break;
      }
      ops.add(op);
      operands.add(additive());
    }
    if (ops.isEmpty()) {
      return first;
    }
    return s -> {
      Object left = operands.getFirst().evaluate(s);
      for (int i = 0; i < ops.size(); i++) {
        Object right = operands.get(i + 1).evaluate(s);
        if (!compare(ops.get(i), left, right)) {
          return false;
        }
        left = right;
      }
      return true;
    };
  }

  private String comparisonOperator() {
    Token t = peek();
    if (t.kind() == Kind.OP && COMPARISONS.contains(t.text())) {
      index++;
      return t.text();
    }
    if (accept("in")) {
      return "in";
    }
    if (at("not") && tokens.get(index + 1).text().equals("in")) {
      index += 2;
      return "not in";
    }
    if (accept("is")) {
      return accept("not") ? "is not" : "is";
    }
    return null;
  }

  private static boolean compare(String op, Object a, Object b) {
    return switch (op) {
      case "==" -> PyOps.eq(a, b);
      case "!=" -> !PyOps.eq(a, b);
      case "<" -> PyOps.compare(a, b, op) < 0;
      case ">" -> PyOps.compare(a, b, op) > 0;
      case "<=" -> PyOps.compare(a, b, op) <= 0;
      case ">=" -> PyOps.compare(a, b, op) >= 0;
      case "in" -> PyOps.contains(b, a);
      case "not in" -> !PyOps.contains(b, a);
      case "is" -> a == b || (a == null && b == null) || (a instanceof Boolean && a.equals(b));
      case "is not" -> !(a == b || (a instanceof Boolean && a.equals(b)));
      default -> throw new EvaluationException("unknown comparison " + op);
    };
  }

  private Expression additive() {
    Expression left = multiplicative();
    while (at("+") || at("-")) {
      String op = tokens.get(index++).text();
      left = binary(op, left, multiplicative());
    }
    return left;
  }

  private Expression multiplicative() {
    Expression left = unary();
    while (at("*") || at("/") || at("//") || at("%")) {
      String op = tokens.get(index++).text();
      left = binary(op, left, unary());
    }
    return left;
  }

  private static Expression binary(String op, Expression l, Expression r) {
    return s -> PyOps.arithmetic(op, l.evaluate(s), r.evaluate(s));
  }

  private Expression unary() {
    if (accept("-")) {
      Expression inner = descend(this::unary);
      return s -> negate(inner.evaluate(s));
    }
    if (accept("+")) {
      return descend(this::unary);
    }
    return power();
  }

  private static Object negate(Object v) {
    if (v instanceof Double d) {
      return -d;
    }
    if (PyOps.isIntegral(v)) {
      long n = PyOps.asLong(v);
      if (n == Long.MIN_VALUE) {
        return -(double) n;
      }
      return -n;
    }
    throw new EvaluationException("bad operand type for unary -: '" + PyOps.typeName(v) + "'");
  }

  private Expression power() {
    Expression base = postfix();
    if (accept("**")) {
      Expression exponent = descend(this::unary);
      return binary("**", base, exponent);
    }
    return base;
  }

  private Expression postfix() {
    Expression e = primary();
    while (true) {
      if (accept(".")) {
        Token name = tokens.get(index++);
        if (name.kind() != Kind.NAME && name.kind() != Kind.NUMBER) {
          throw error("expected a name after '.'");
        }
        e = item(e, s -> name.text());
      } else if (accept("[")) {
        Expression key = descend(this::conditional);
        expect("]");
        e = item(e, key);
      } else {
        return e;
      }
    }
  }

  private static Expression item(Expression target, Expression key) {
    return s -> Functions.item(target.evaluate(s), key.evaluate(s));
  }

  private Expression primary() {
    Token t = tokens.get(index++);
    switch (t.kind()) {
      case NUMBER, STRING -> {
        Object v = t.value();
        return s -> v;
      }
      case REF -> {
        ValuePath path = ValuePath.parse(t.text());
        if (path == null) {
          throw new EvaluationException("bad reference '" + t.text() + "' at position " + t.pos());
        }
        return s -> variable(path.resolve(s), path.text());
      }
      case NAME -> {
        return name(t);
      }
      case OP -> {
        if (t.text().equals("(")) {
          Expression inner = descend(this::conditional);
          expect(")");
          return inner;
        }
        if (t.text().equals("[")) {
          return listLiteral();
        }
        index--;
        throw error("unexpected '" + t.text() + "'");
      }
      default -> {
        index--;
        throw error("unexpected end of expression");
      }
    }
  }

  private Expression name(Token t) {
    String n = t.text();
    switch (n) {
      case "True", "true" -> {
        return s -> Boolean.TRUE;
      }
      case "False", "false" -> {
        return s -> Boolean.FALSE;
      }
      case "None", "null" -> {
        return s -> null;
      }
      default -> {}
    }
    if (at("(")) {
      index++;
      List<Expression> args = new ArrayList<>();
      if (!accept(")")) {
        do {
          args.add(descend(this::conditional));
        } while (accept(","));
        expect(")");
      }
      return Functions.call(n, args);
    }
    return s -> variable(s.lookup(n), n);
  }

  private Expression listLiteral() {
    List<Expression> items = new ArrayList<>();
    if (!accept("]")) {
      do {
        items.add(descend(this::conditional));
      } while (accept(","));
      expect("]");
    }
    return s -> {
      List<Object> out = new ArrayList<>(items.size());
      for (Expression e : items) {
        out.add(e.evaluate(s));
      }
      return out;
    };
  }

  private static Object variable(Object value, String name) {
    if (value == Scope.MISSING) {
      throw new EvaluationException("name '" + name + "' is not defined");
    }
    return value;
  }

  private Expression descend(java.util.function.Supplier<Expression> rule) {
    if (++depth > MAX_DEPTH) {
      throw error("expression nests deeper than " + MAX_DEPTH + " levels");
    }
    try {
      return rule.get();
    } finally {
      depth--;
    }
  }
}
