package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.expr.EvaluationException;
import com.casarerpa.fleet.workflow.expr.PyOps;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The control-flow nodes: branching, loops, Break/Continue, Try/Catch/Finally, Retry, Throw,
 * Assert.
 */
final class ControlFlow {
  private static final List<String> EXEC_OUT = List.of("exec_out");
  private static final List<String> NOWHERE = List.of();
  private static final List<String> TRUE = List.of("true");
  private static final List<String> FALSE = List.of("false");
  private static final List<String> BODY = List.of("body");
  private static final List<String> COMPLETED = List.of("completed");

  private final Executor ex;
  private final LoopItems loopItems;

  /** Try node index → the error its body raised (until a Finally consumes it). */
  private final Map<Integer, NodeFailure> tryErrors = new HashMap<>();

  private final Map<Integer, Boolean> tryHandled = new HashMap<>();

  ControlFlow(Executor ex) {
    this.ex = ex;
    this.loopItems = new LoopItems(ex.ctx);
  }

  List<String> execute(PlanNode pn, IntQueue queue) throws NodeException, InterruptedException {
    return switch (pn.kind) {
      case START -> EXEC_OUT;
      case IF -> condition(pn) ? TRUE : FALSE;
      case SWITCH -> SwitchRouting.route(pn, ex.ctx);
      case FOR_START -> forStart(pn);
      case WHILE_START -> whileStart(pn);
      case FOR_END, WHILE_END, CONTINUE -> loopBack(pn, queue, false);
      case BREAK -> loopBack(pn, queue, true);
      case TRY -> tryNode(pn);
      case CATCH -> catchNode(pn);
      case FINALLY -> finallyNode(pn);
      case RETRY -> retry(pn);
      case ON_ERROR -> onError(pn);
      case THROW -> throw thrownError(pn);
      case ASSERT -> assertion(pn);
      case PLAIN ->
          throw new IllegalStateException("plain node " + pn.id + " routed to control flow");
    };
  }

  /** What a ThrowErrorNode raises; a blank message still says where it came from. */
  private NodeException thrownError(PlanNode pn) {
    String message = ex.ctx.string("error_message", ex.ctx.string("message", "Custom error"));
    if (message == null || message.isBlank()) {
      message = "Custom error (" + pn.label() + " has no message)";
    }
    return new NodeException(message, ex.ctx.string("error_type", "ThrowError"), null);
  }

  private boolean condition(PlanNode pn) throws NodeException {
    Object port = ex.ctx.input("condition");
    Object value;
    if (port != null) {
      value = port;
    } else if (pn.condition != null) {
      try {
        value = pn.condition.evaluate(ex.ctx.scope());
      } catch (EvaluationException e) {
        throw new NodeException(
            "node '" + pn.id + "' cannot evaluate its condition: " + e.getMessage(),
            "NameError",
            e);
      }
    } else {
      throw new NodeException(
          pn.label() + " has no condition; set config.expression or connect the condition input");
    }
    boolean result = PyOps.truthy(value);
    ex.ctx.output("result", result);
    return result;
  }

  private List<String> forStart(PlanNode pn) throws NodeException {
    LoopState state = ex.loops[pn.index];
    if (state == null) {
      state = loopItems.resolve(pn);
      ex.loops[pn.index] = state;
    }
    if (state.broken || state.index >= state.items.size()) {
      ex.loops[pn.index] = null;
      ex.ctx.output("iterations", (long) state.index);
      return COMPLETED;
    }
    int i = state.index++;
    Object item = state.items.get(i);
    String itemVar = ex.ctx.string("item_var", "item");
    ex.ctx.output("current_item", item);
    ex.ctx.output("current_index", (long) i);
    ex.variables.put(itemVar, item);
    ex.variables.put(itemVar + "_index", (long) i);
    if (state.keys != null) {
      ex.ctx.output("current_key", state.keys.get(i));
      ex.variables.put(itemVar + "_key", state.keys.get(i));
    }
    return BODY;
  }

  private List<String> whileStart(PlanNode pn) throws NodeException {
    LoopState state = ex.loops[pn.index];
    if (state == null) {
      state = new LoopState(List.of(), null);
      ex.loops[pn.index] = state;
    }
    long max = ex.ctx.integer("max_iterations", 1000);
    if (state.broken || state.index >= max || !condition(pn)) {
      if (state.index >= max && !state.broken) {
        ex.env.log(
            LogLevel.WARNING, pn.id, "while loop '" + pn.id + "' stopped at max_iterations=" + max);
      }
      ex.loops[pn.index] = null;
      ex.ctx.output("iterations", (long) state.index);
      return COMPLETED;
    }
    ex.ctx.output("current_iteration", (long) state.index);
    state.index++;
    return BODY;
  }

  private List<String> loopBack(PlanNode pn, IntQueue queue, boolean breakLoop)
      throws NodeException {
    if (pn.paired == PlanNode.NONE) {
      throw new NodeException("node '" + pn.id + "' is not paired with a loop start");
    }
    LoopState state = ex.loops[pn.paired];
    if (state == null) {
      throw new NodeException(
          "node '"
              + pn.id
              + "' ran while its loop '"
              + ex.nodes[pn.paired].id
              + "' was not running");
    }
    state.broken |= breakLoop;
    ex.loopBack(pn.paired, queue);
    return NOWHERE;
  }

  private List<String> tryNode(PlanNode pn) {
    NodeFailure failure = null;
    ex.tryDepth++;
    try {
      ex.resetExecuted(pn.body);
      ex.drainFrom(pn, "try_body");
    } catch (NodeFailure f) {
      failure = f;
    } finally {
      ex.tryDepth--;
    }
    ex.ctx.enter(pn, null, System.nanoTime());
    tryErrors.remove(pn.index);
    tryHandled.remove(pn.index);
    if (failure == null) {
      return List.of("success", "exec_out");
    }
    describe(failure);
    boolean catchPort = pn.targets("catch").length > 0;
    if (!catchPort && pn.catchNode == PlanNode.NONE && pn.finallyNode == PlanNode.NONE) {
      throw failure;
    }
    ex.env.log(
        LogLevel.WARNING,
        pn.id,
        "caught an error from node '" + failure.nodeId + "': " + failure.getMessage());
    tryErrors.put(pn.index, failure);
    tryHandled.put(pn.index, catchPort);
    return List.of(catchPort ? "catch" : "exec_out");
  }

  private void describe(NodeFailure f) {
    ex.ctx.output("error_message", f.getMessage());
    ex.ctx.output("error_type", f.errorType);
    ex.ctx.output("failed_node", f.nodeId);
  }

  private List<String> catchNode(PlanNode pn) {
    NodeFailure failure = pn.paired == PlanNode.NONE ? null : tryErrors.get(pn.paired);
    if (failure == null || Boolean.TRUE.equals(tryHandled.get(pn.paired)) || !matches(failure)) {
      return EXEC_OUT;
    }
    describe(failure);
    ex.ctx.output("stack_trace", "");
    tryHandled.put(pn.paired, true);
    ex.variables.put(pn.id, Map.copyOf(ex.ctx.peekOutputs()));
    ex.drainFrom(pn, "catch_body");
    ex.ctx.enter(pn, null, System.nanoTime());
    describe(failure);
    return EXEC_OUT;
  }

  private boolean matches(NodeFailure failure) {
    Object types = ex.ctx.param("error_types");
    if (types == null || "".equals(types)) {
      return true;
    }
    List<?> wanted =
        types instanceof List<?> l ? l : List.of(PythonText.str(types).split("\\s*,\\s*"));
    return wanted.stream()
        .map(PythonText::str)
        .anyMatch(t -> t.equals(failure.errorType) || t.equals("Exception") || t.equals("*"));
  }

  private List<String> finallyNode(PlanNode pn) {
    NodeFailure failure = pn.paired == PlanNode.NONE ? null : tryErrors.remove(pn.paired);
    boolean handled = Boolean.TRUE.equals(tryHandled.remove(pn.paired));
    ex.ctx.output("had_error", failure != null);
    ex.variables.put(pn.id, Map.copyOf(ex.ctx.peekOutputs()));
    ex.drainFrom(pn, "finally_body");
    ex.ctx.enter(pn, null, System.nanoTime());
    ex.ctx.output("had_error", failure != null);
    if (failure != null && !handled) {
      throw failure;
    }
    return EXEC_OUT;
  }

  private List<String> retry(PlanNode pn) throws NodeException, InterruptedException {
    long attempts =
        Math.max(1, ex.ctx.integer("max_attempts", ex.ctx.integer("max_retries", 2) + 1));
    double delay =
        ex.ctx.number("retry_delay", ex.ctx.number("delay", ex.ctx.number("initial_delay", 1.0)));
    double backoff = ex.ctx.number("backoff_multiplier", 2.0);
    NodeFailure last = null;
    for (long attempt = 1; attempt <= attempts; attempt++) {
      ex.tryDepth++;
      try {
        ex.resetExecuted(pn.body);
        ex.drainFrom(pn, "body", "retry_body");
        ex.ctx.enter(pn, null, System.nanoTime());
        ex.ctx.output("attempts", attempt);
        return List.of("success", "exec_out");
      } catch (NodeFailure f) {
        last = f;
      } finally {
        ex.tryDepth--;
      }
      ex.ctx.enter(pn, null, System.nanoTime());
      ex.env.log(
          LogLevel.WARNING,
          pn.id,
          "attempt "
              + attempt
              + " of "
              + attempts
              + " failed at node '"
              + last.nodeId
              + "': "
              + last.getMessage());
      if (attempt < attempts && delay > 0) {
        ex.ctx.pause(Duration.ofNanos((long) (delay * 1e9)));
        delay *= backoff;
      }
    }
    ex.ctx.output("attempts", attempts);
    ex.ctx.output("last_error", last.getMessage());
    if (pn.targets("failed").length > 0) {
      return List.of("failed");
    }
    throw new NodeException(
        "node '"
            + pn.id
            + "' gave up after "
            + attempts
            + " attempts; last error at '"
            + last.nodeId
            + "': "
            + last.getMessage(),
        last.errorType,
        last);
  }

  /** OnErrorNode: {@code protected_body}; on an error {@code on_error}; then {@code finally}. */
  private List<String> onError(PlanNode pn) {
    NodeFailure failure = null;
    ex.tryDepth++;
    try {
      ex.resetExecuted(pn.body);
      ex.drainFrom(pn, "protected_body");
    } catch (NodeFailure f) {
      failure = f;
    } finally {
      ex.tryDepth--;
    }
    ex.ctx.enter(pn, null, System.nanoTime());
    ex.ctx.output("had_error", failure != null);
    if (failure != null) {
      describe(failure);
      ex.variables.put(pn.id, Map.copyOf(ex.ctx.peekOutputs()));
      ex.env.log(
          LogLevel.WARNING,
          pn.id,
          "handling an error from node '" + failure.nodeId + "': " + failure.getMessage());
      ex.drainFrom(pn, "on_error");
    }
    ex.drainFrom(pn, "finally");
    ex.ctx.enter(pn, null, System.nanoTime());
    ex.ctx.output("had_error", failure != null);
    if (failure != null) {
      describe(failure);
    }
    // the original has no exec_out here; a workflow that connects one means "then continue"
    return EXEC_OUT;
  }

  private List<String> assertion(PlanNode pn) throws NodeException {
    if (!condition(pn)) {
      String message = ex.ctx.string("message", ex.ctx.string("error_message", "assertion failed"));
      throw new NodeException("Assertion failed: " + message, "AssertionError", null);
    }
    return EXEC_OUT;
  }
}
