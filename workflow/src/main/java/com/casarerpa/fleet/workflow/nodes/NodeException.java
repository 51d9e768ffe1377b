package com.casarerpa.fleet.workflow.nodes;

/** A node failed (or its config is unusable); the message is shown to the user as is. */
public class NodeException extends Exception {
  private final String errorType;

  public NodeException(String message) {
    this(message, "NodeError", null);
  }

  public NodeException(String message, String errorType, Throwable cause) {
    super(message, cause);
    this.errorType = errorType;
  }

  /** A short class of error, such as {@code TimeoutError}; CatchNode's {@code error_type}. */
  public String errorType() {
    return errorType;
  }
}
