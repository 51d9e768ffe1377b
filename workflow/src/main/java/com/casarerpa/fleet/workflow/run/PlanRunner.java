package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.RunListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.nodes.NodeRegistry;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.casarerpa.fleet.workflow.validate.WorkflowValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.OkHttpClient;

/** Compiles and runs workflows; the engine facade's worker. Stateless between runs. */
public final class PlanRunner {
  private final NodeRegistry registry;
  private final Clock clock;
  private final OkHttpClient http;
  private final Path workRoot;
  private final boolean allowEscape;
  private final boolean allowCommands;

  public PlanRunner(
      NodeRegistry registry,
      Clock clock,
      OkHttpClient http,
      Path workRoot,
      boolean allowEscape,
      boolean allowCommands) {
    this.registry = registry;
    this.clock = clock;
    this.http = http;
    this.workRoot = workRoot;
    this.allowEscape = allowEscape;
    this.allowCommands = allowCommands;
  }

  public RunResult run(
      WorkflowDefinition wf, RunOptions options, RunListener listener, CancellationToken cancel) {
    Instant started = clock.instant();
    ExecutionPlan plan;
    try {
      plan = PlanBuilder.build(wf, registry);
    } catch (WorkflowValidationException e) {
      ValidationIssue first = e.errors().getFirst();
      return new RunResult(
          RunStatus.FAILED,
          Map.of(),
          Map.of(),
          0,
          Duration.between(started, clock.instant()),
          first.nodeId(),
          e.getMessage(),
          e.issues());
    }
    Path folder;
    try {
      folder =
          options.workingDirectory() != null
              ? options.workingDirectory()
              : Files.createTempDirectory(Files.createDirectories(workRoot), "job-");
      Files.createDirectories(folder);
    } catch (IOException e) {
      return new RunResult(
          RunStatus.FAILED,
          Map.of(),
          Map.of(),
          0,
          Duration.ZERO,
          null,
          "cannot create the job's working folder under " + workRoot + ": " + e,
          plan.issues);
    }
    Duration jobTimeout =
        options.jobTimeout() != null ? options.jobTimeout() : wf.settings().timeout();
    RunEnvironment env =
        RunEnvironment.create(
            clock,
            cancel,
            listener == null ? RunListener.NONE : listener,
            http,
            new WorkFolder(folder, allowEscape),
            options.nodeTimeout(),
            jobTimeout,
            allowCommands);
    Map<String, Object> variables = new LinkedHashMap<>(wf.variables());
    variables.putAll(options.variables());
    return new Executor(plan, env, variables).run(started);
  }
}
