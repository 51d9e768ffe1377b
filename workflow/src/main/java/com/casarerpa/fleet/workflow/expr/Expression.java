package com.casarerpa.fleet.workflow.expr;

import com.casarerpa.fleet.workflow.template.Scope;

/**
 * A parsed expression: comparisons, {@code and/or/not}, arithmetic, string and number literals,
 * variables and paths ({@code a.b}, {@code list[0]}, {@code {{node.port}}}), and a few pure
 * functions ({@code len str int float abs min max round bool}). It cannot reach the host: there is
 * no attribute access beyond map keys, no imports, no calls other than those functions.
 */
public interface Expression {
  /** Largest accepted source text. */
  int MAX_LENGTH = 10_000;

  Object evaluate(Scope scope);

  /** Parses {@code source}; throws {@link EvaluationException} naming the problem and position. */
  static Expression parse(String source) {
    return new ExpressionParser(source).parseAll();
  }
}
