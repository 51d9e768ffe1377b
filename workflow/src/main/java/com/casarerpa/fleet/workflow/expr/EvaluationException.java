package com.casarerpa.fleet.workflow.expr;

/** An expression could not be parsed or evaluated; the message says why, Python-style. */
public final class EvaluationException extends RuntimeException {
  public EvaluationException(String message) {
    super(message);
  }
}
