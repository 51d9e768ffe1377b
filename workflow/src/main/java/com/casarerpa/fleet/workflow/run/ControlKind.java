package com.casarerpa.fleet.workflow.run;

/** What the executor does with a node; decided once per plan, never per execution. */
enum ControlKind {
  PLAIN(false),
  START(false),
  IF(true),
  SWITCH(true),
  FOR_START(true),
  FOR_END(true),
  WHILE_START(true),
  WHILE_END(true),
  BREAK(true),
  CONTINUE(true),
  TRY(true),
  CATCH(true),
  FINALLY(true),
  RETRY(true),
  ON_ERROR(true),
  THROW(false),
  ASSERT(false);

  /** Control-flow nodes may run again in one pass (the original's re-execution exemption). */
  final boolean reentrant;

  ControlKind(boolean reentrant) {
    this.reentrant = reentrant;
  }

  static ControlKind of(String type) {
    return switch (type) {
      case "StartNode" -> START;
      case "IfNode" -> IF;
      case "SwitchNode" -> SWITCH;
      case "ForLoopStartNode" -> FOR_START;
      case "ForLoopEndNode" -> FOR_END;
      case "WhileLoopStartNode" -> WHILE_START;
      case "WhileLoopEndNode" -> WHILE_END;
      case "BreakNode" -> BREAK;
      case "ContinueNode" -> CONTINUE;
      case "TryNode" -> TRY;
      case "CatchNode" -> CATCH;
      case "FinallyNode" -> FINALLY;
      case "RetryNode" -> RETRY;
      case "OnErrorNode" -> ON_ERROR;
      case "ThrowErrorNode" -> THROW;
      case "AssertNode" -> ASSERT;
      default -> PLAIN;
    };
  }

  boolean isLoopStart() {
    return this == FOR_START || this == WHILE_START;
  }
}
