package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.RunResources;
import com.casarerpa.fleet.workflow.template.Template;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import okhttp3.OkHttpClient;

/** The {@link NodeContext} of one run, re-pointed at each node before it executes. */
final class RunContext implements NodeContext {
  private final RunEnvironment env;
  private final Map<String, Object> variables;
  private final Map<String, Object> readOnlyVariables;
  private final RunScope scope;
  private final RunResources resources = new RunResources();
  private PlanNode node;
  private Map<String, Object> inputs;
  private Map<String, Object> outputs;
  private long nodeDeadline;

  RunContext(RunEnvironment env, Map<String, Object> variables) {
    this.env = env;
    this.variables = variables;
    this.readOnlyVariables = Collections.unmodifiableMap(variables);
    this.scope = new RunScope(variables, env.clock());
  }

  void enter(PlanNode node, Map<String, Object> inputs, long now) {
    this.node = node;
    this.inputs = inputs;
    this.outputs = null;
    this.nodeDeadline = Math.min(now + env.nodeTimeoutNanos(), env.jobDeadline());
  }

  /** Outputs set by the node (never null). */
  Map<String, Object> takeOutputs() {
    Map<String, Object> out = outputs == null ? Map.of() : outputs;
    outputs = null;
    return out;
  }

  /** Outputs set so far (for handlers that run nested bodies). */
  Map<String, Object> peekOutputs() {
    return outputs == null ? Map.of() : outputs;
  }

  RunScope scope() {
    return scope;
  }

  @Override
  public String nodeId() {
    return node.id;
  }

  @Override
  public Object param(String key) {
    if (inputs != null) {
      Object v = inputs.get(key);
      if (v != null) {
        return v;
      }
    }
    Template t = node.config.template(key);
    return t == null ? null : t.render(scope);
  }

  @Override
  public Object input(String port) {
    return inputs == null ? null : inputs.get(port);
  }

  @Override
  public void output(String port, Object value) {
    if (outputs == null) {
      outputs = new HashMap<>(8);
    }
    outputs.put(port, value);
  }

  @Override
  public Object variable(String name) {
    return variables.get(name);
  }

  @Override
  public void setVariable(String name, Object value) {
    variables.put(name, value);
  }

  @Override
  public Map<String, Object> variables() {
    return readOnlyVariables;
  }

  @Override
  public void log(LogLevel level, String message) {
    env.log(level, node.id, message);
  }

  @Override
  public CancellationToken cancellation() {
    return env.token();
  }

  @Override
  public void pause(Duration duration) throws NodeException, InterruptedException {
    long start = System.nanoTime();
    long wanted = duration.toNanos();
    long allowed = nodeDeadline - start;
    if (env.token().await(Duration.ofNanos(Math.min(wanted, Math.max(0, allowed))))) {
      throw new StopSignal(RunStatus.CANCELLED, node.id, "cancelled: " + env.token().reason());
    }
    if (wanted > allowed) {
      checkDeadlines();
    }
  }

  /** Throws when the job or node deadline has passed. */
  void checkDeadlines() throws NodeException {
    long now = System.nanoTime();
    if (now - env.jobDeadline() >= 0) {
      throw new StopSignal(
          RunStatus.TIMED_OUT, node.id, "the job timed out after " + env.jobTimeoutText());
    }
    if (now - nodeDeadline >= 0) {
      throw new NodeException(
          "node '" + node.id + "' timed out after " + env.nodeTimeoutText(), "TimeoutError", null);
    }
  }

  @Override
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, nodeDeadline - System.nanoTime()));
  }

  @Override
  public Path resolvePath(String path) throws NodeException {
    return env.workFolder().resolve(node.id, path);
  }

  @Override
  public OkHttpClient http() {
    return env.http();
  }

  @Override
  public Clock clock() {
    return env.clock();
  }

  @Override
  public boolean commandsAllowed() {
    return env.grants().host();
  }

  @Override
  public RunResources resources() {
    return resources;
  }

  @Override
  public CredentialsProvider credentials() {
    return env.grants().credentials();
  }
}
