package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one plan once, on the caller's thread. The original's loop: a FIFO queue seeded with the
 * start node; pop a node, skip it if it already ran (unless it is control flow), copy upstream
 * outputs into its input ports, execute it, store its outputs as variable {@code <node_id>}, and
 * queue the targets of the exec ports it chose. Loop ends push their start to the front.
 */
final class Executor {
  private static final Logger LOG = LoggerFactory.getLogger(Executor.class);
  private static final List<String> EXEC_OUT = List.of("exec_out");

  final ExecutionPlan plan;
  final RunEnvironment env;
  final PlanNode[] nodes;
  final Map<String, Object> variables;
  final RunContext ctx;
  final boolean[] executed;
  final LoopState[] loops;

  /** Each node's last outputs by plan index (null until it ran). */
  private final List<Map<String, Object>> outputs;

  private final ControlFlow control;
  private final boolean stopOnError;
  int tryDepth;
  private long executions;
  private int distinct;

  Executor(ExecutionPlan plan, RunEnvironment env, Map<String, Object> initialVariables) {
    this.plan = plan;
    this.env = env;
    this.nodes = plan.nodes;
    this.variables = new HashMap<>(initialVariables);
    this.ctx = new RunContext(env, variables);
    this.executed = new boolean[nodes.length];
    this.loops = new LoopState[nodes.length];
    this.outputs = new ArrayList<>(Collections.nCopies(nodes.length, null));
    this.control = new ControlFlow(this);
    this.stopOnError = plan.definition.settings().stopOnError();
  }

  RunResult run(Instant started) {
    RunStatus status = RunStatus.COMPLETED;
    String failedNode = null;
    String error = null;
    try {
      IntQueue queue = new IntQueue();
      queue.addLast(plan.entry);
      drain(queue);
    } catch (NodeFailure f) {
      status = RunStatus.FAILED;
      failedNode = f.nodeId;
      error = f.getMessage();
    } catch (StopSignal s) {
      status = s.status;
      failedNode = s.nodeId;
      error = s.getMessage();
    } finally {
      ctx.resources().close();
    }
    if (status == RunStatus.COMPLETED) {
      RunListenerCalls.progress(env.listener(), 100, null);
    }
    Duration took = Duration.between(started, env.clock().instant());
    return new RunResult(
        status, userVariables(), nodeOutputs(), executions, took, failedNode, error, plan.issues);
  }

  /** Runs until {@code queue} is empty. Nested calls run Try/Retry bodies. */
  void drain(IntQueue queue) {
    while (!queue.isEmpty()) {
      checkStop(null);
      int i = queue.pollFirst();
      PlanNode pn = nodes[i];
      if (executed[i] && !pn.kind.reentrant) {
        continue;
      }
      List<String> ports = execute(pn, queue);
      if (pn.undeclaredExecOut && pn.kind == ControlKind.PLAIN && leadsNowhere(pn, ports)) {
        ports = EXEC_OUT; // intended semantics: the authors chained it on exec_out
      }
      for (int p = 0; p < ports.size(); p++) {
        for (int target : pn.targets(ports.get(p))) {
          queue.addLast(target);
        }
      }
    }
  }

  private static boolean leadsNowhere(PlanNode pn, List<String> ports) {
    for (String port : ports) {
      if (pn.targets(port).length > 0) {
        return false;
      }
    }
    return !ports.isEmpty();
  }

  /** Runs the nodes reachable from {@code pn}'s {@code ports}, to completion. */
  void drainFrom(PlanNode pn, String... ports) {
    IntQueue queue = new IntQueue();
    for (String port : ports) {
      for (int target : pn.targets(port)) {
        queue.addLast(target);
      }
    }
    drain(queue);
  }

  private List<String> execute(PlanNode pn, IntQueue queue) {
    started(pn);
    Map<String, Object> inputs = gatherInputs(pn);
    ctx.enter(pn, inputs, System.nanoTime());
    try {
      List<String> ports;
      if (pn.disabled) {
        if (inputs != null) {
          inputs.forEach(ctx::output);
        }
        ports = EXEC_OUT;
      } else if (pn.kind == ControlKind.PLAIN) {
        ports = pn.node.execute(ctx).ports();
      } else {
        ports = control.execute(pn, queue);
      }
      store(pn, ctx.takeOutputs());
      finished(pn, null);
      return ports;
    } catch (StopSignal | NodeFailure propagating) {
      throw propagating;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StopSignal(
          RunStatus.CANCELLED, pn.id, "interrupted while running node '" + pn.id + "'");
    } catch (Exception e) {
      return failed(pn, e);
    }
  }

  private List<String> failed(PlanNode pn, Exception e) {
    checkStop(pn.id);
    store(pn, ctx.takeOutputs());
    String type = e instanceof NodeException ne ? ne.errorType() : e.getClass().getSimpleName();
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (!(e instanceof NodeException)) {
      LOG.debug("node {} ({}) threw", pn.id, pn.type, e);
    }
    finished(pn, message);
    NodeFailure failure = new NodeFailure(pn.id, message, type, e);
    boolean continueHere = !stopOnError || Boolean.TRUE.equals(pn.config.raw("continue_on_error"));
    if (tryDepth > 0 || !continueHere) {
      throw failure;
    }
    env.log(
        LogLevel.ERROR,
        pn.id,
        "node '" + pn.id + "' failed and the run continues (continue_on_error): " + message);
    return EXEC_OUT;
  }

  /** Throws when cancelled (token or thread interrupt) or past the job deadline. */
  void checkStop(String nodeId) {
    if (env.token().isCancelled()) {
      throw new StopSignal(RunStatus.CANCELLED, nodeId, "cancelled: " + env.token().reason());
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new StopSignal(
          RunStatus.CANCELLED, nodeId, "cancelled: the run's thread was interrupted");
    }
    if (System.nanoTime() - env.jobDeadline() >= 0) {
      throw new StopSignal(
          RunStatus.TIMED_OUT, nodeId, "the job timed out after " + env.jobTimeoutText());
    }
  }

  private Map<String, Object> gatherInputs(PlanNode pn) {
    PlanNode.DataInput[] ins = pn.dataInputs;
    if (ins.length == 0) {
      return null;
    }
    Map<String, Object> inputs = new HashMap<>(ins.length * 2);
    for (PlanNode.DataInput d : ins) {
      Map<String, Object> src = outputs.get(d.source());
      Object v = src == null ? null : src.get(d.sourcePort());
      if (v != null) {
        inputs.put(d.targetPort(), v);
      }
    }
    return inputs;
  }

  private void store(PlanNode pn, Map<String, Object> out) {
    outputs.set(pn.index, out);
    variables.put(pn.id, out);
  }

  /** Clears "already ran" for {@code body} and {@code start}, and queues the start first. */
  void loopBack(int start, IntQueue queue) {
    for (int n : nodes[start].body) {
      executed[n] = false;
    }
    executed[start] = false;
    queue.addFirst(start);
  }

  void resetExecuted(int[] body) {
    for (int n : body) {
      executed[n] = false;
    }
  }

  private void started(PlanNode pn) {
    boolean userNode = pn.index < plan.userNodeCount;
    if (userNode) {
      executions++;
    }
    if (!executed[pn.index]) {
      executed[pn.index] = true;
      if (userNode) {
        distinct++;
      }
    }
    int percent =
        plan.userNodeCount == 0 ? 100 : Math.min(100, distinct * 100 / plan.userNodeCount);
    RunListenerCalls.progress(env.listener(), percent, pn);
    RunListenerCalls.started(env.listener(), pn);
  }

  private void finished(PlanNode pn, String error) {
    RunListenerCalls.finished(env.listener(), pn, error);
  }

  private Map<String, Object> userVariables() {
    Map<String, Object> out = new LinkedHashMap<>(variables);
    for (PlanNode pn : nodes) {
      if (out.get(pn.id) == outputs.get(pn.index)) {
        out.remove(pn.id);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private Map<String, Map<String, Object>> nodeOutputs() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (PlanNode pn : nodes) {
      if (outputs.get(pn.index) != null && !pn.id.equals(PlanBuilder.AUTO_START)) {
        out.put(pn.id, outputs.get(pn.index));
      }
    }
    return Collections.unmodifiableMap(out);
  }
}
