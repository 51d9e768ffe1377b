package com.casarerpa.fleet.agent.jobs;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.PathMap;
import com.casarerpa.fleet.workflow.RunListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.net.InternalAddressPolicy;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.casarerpa.fleet.workflow.validate.WorkflowValidationException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs jobs on the CasareRPA workflow engine ({@code workflow/} module). The job's payload becomes
 * the initial variables, plus {@code _job_id} and {@code _job_attempt}; the agent's cancellation is
 * forwarded to the engine's token; timeouts are enforced by the agent.
 */
public final class EngineExecutor implements WorkflowExecutor {
  private final Supplier<WorkflowEngine> build;
  private volatile WorkflowEngine engine;

  EngineExecutor(WorkflowEngine engine) {
    this.build = () -> engine;
    this.engine = engine;
  }

  /**
   * The standard factories build the engine (its node library of some 400 classes and its HTTP
   * client) at the first job, not at start: an idle robot never loads it, which keeps start-up and
   * idle memory small (BENCHMARKS.md, footprint); the first job pays a fraction of a second once.
   */
  private EngineExecutor(Supplier<WorkflowEngine> build) {
    this.build = build;
  }

  private WorkflowEngine engine() {
    WorkflowEngine built = engine;
    if (built == null) {
      synchronized (this) {
        built = engine;
        if (built == null) {
          built = build.get();
          engine = built;
        }
      }
    }
    return built;
  }

  /** The standard node library, job folders under {@code workRoot}, no internal HTTP. */
  public static EngineExecutor standard(Path workRoot) {
    return standard(workRoot, CredentialsProvider.NONE);
  }

  /**
   * The standard node library, job folders under {@code workRoot}, service nodes' secrets from
   * {@code credentials} (the agent's {@code CASARE_CREDENTIALS_FILE} / {@code CASARE_CRED_*}).
   */
  public static EngineExecutor standard(Path workRoot, CredentialsProvider credentials) {
    return new EngineExecutor(
        () -> WorkflowEngine.builder().workRoot(workRoot).credentials(credentials).build());
  }

  /** {@link #standard} with HTTP nodes limited by {@code http} ({@code WORKFLOW_HTTP_ALLOW}). */
  public static EngineExecutor standard(Path workRoot, InternalAddressPolicy http) {
    return new EngineExecutor(
        () -> WorkflowEngine.builder().workRoot(workRoot).httpPolicy(http).build());
  }

  /** HTTP limited by {@code http}, service secrets from {@code credentials}, no path map. */
  public static EngineExecutor standard(
      Path workRoot, InternalAddressPolicy http, CredentialsProvider credentials) {
    return standard(workRoot, http, credentials, PathMap.NONE);
  }

  /**
   * What the agent runs: HTTP limited by {@code http}, service secrets from {@code credentials},
   * Windows folders of workflows mapped by {@code paths} ({@code CASARE_PATH_MAP}).
   */
  public static EngineExecutor standard(
      Path workRoot, InternalAddressPolicy http, CredentialsProvider credentials, PathMap paths) {
    return new EngineExecutor(
        () ->
            WorkflowEngine.builder()
                .workRoot(workRoot)
                .httpPolicy(http)
                .credentials(credentials)
                .pathMap(paths)
                .build());
  }

  @Override
  public ExecutionResult execute(
      ClaimedJob job, ExecutionListener listener, CancellationToken cancellation) {
    if (job.workflowJson() == null || !job.workflowJson().isObject()) {
      return ExecutionResult.failed("the job carries no workflow_json object", null, false);
    }
    WorkflowDefinition workflow;
    try {
      workflow = WorkflowDefinition.parse(job.workflowJson());
    } catch (WorkflowValidationException e) {
      return ExecutionResult.failed(
          "invalid workflow: " + e.getMessage(), issues(e.issues()), false);
    }
    RunOptions options = RunOptions.DEFAULTS.withVariables(variables(job));
    RunResult result = engine().run(workflow, options, forward(listener), cancellation);
    return switch (result.status()) {
      case COMPLETED -> ExecutionResult.completed(output(result));
      case CANCELLED -> ExecutionResult.cancelled();
      case TIMED_OUT -> ExecutionResult.timedOut(message(result));
      case FAILED -> {
        boolean invalid = result.issues().stream().anyMatch(ValidationIssue::isError);
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("failed_node_id", result.failedNodeId());
        details.set("issues", issues(result.issues()));
        yield ExecutionResult.failed(message(result), details, !invalid);
      }
    };
  }

  private static Map<String, Object> variables(ClaimedJob job) {
    Map<String, Object> variables = new HashMap<>();
    JsonNode payload = job.payload();
    if (payload != null && payload.isObject()) {
      variables.putAll(
          Json.MAPPER.convertValue(payload, new TypeReference<Map<String, Object>>() {}));
    }
    variables.put("_job_id", job.jobId().toString());
    variables.put("_job_attempt", job.attempt());
    return variables;
  }

  private static RunListener forward(ExecutionListener listener) {
    return new RunListener() {
      @Override
      public void onProgress(int percent, String nodeId, String nodeType) {
        listener.progress(percent, nodeId, nodeType);
      }

      @Override
      public void onLog(LogLevel level, String nodeId, String message) {
        listener.log(level, nodeId, message);
      }
    };
  }

  private static ObjectNode output(RunResult result) {
    ObjectNode output = Json.MAPPER.createObjectNode();
    output.put("executed_nodes", result.executedNodes());
    output.put("duration_ms", result.duration() == null ? 0 : result.duration().toMillis());
    try {
      output.set("variables", Json.MAPPER.valueToTree(result.variables()));
    } catch (IllegalArgumentException e) {
      output.put("variables", String.valueOf(result.variables()));
    }
    return output;
  }

  private static String message(RunResult result) {
    String message = result.errorMessage() == null ? result.status().name() : result.errorMessage();
    return result.failedNodeId() == null ? message : result.failedNodeId() + ": " + message;
  }

  private static ArrayNode issues(List<ValidationIssue> issues) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    for (ValidationIssue issue : issues) {
      array
          .addObject()
          .put("code", issue.code())
          .put("node_id", issue.nodeId())
          .put("message", issue.message())
          .put("severity", String.valueOf(issue.severity()));
    }
    return array;
  }
}
