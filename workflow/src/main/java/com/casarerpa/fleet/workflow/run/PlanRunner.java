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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles and runs workflows; the engine facade's worker. Stateless between runs. A working folder
 * the caller did not supply is created under the work root and deleted after the run.
 */
public final class PlanRunner {
  private static final Logger LOG = LoggerFactory.getLogger(PlanRunner.class);

  private final NodeRegistry registry;
  private final Clock clock;
  private final OkHttpClient http;
  private final Path workRoot;
  private final boolean allowEscape;
  private final Grants grants;

  public PlanRunner(
      NodeRegistry registry,
      Clock clock,
      OkHttpClient http,
      Path workRoot,
      boolean allowEscape,
      Grants grants) {
    this.registry = registry;
    this.clock = clock;
    this.http = http;
    this.workRoot = workRoot;
    this.allowEscape = allowEscape;
    this.grants = grants;
  }

  public RunResult run(
      WorkflowDefinition wf, RunOptions options, RunListener listener, CancellationToken cancel) {
    Instant started = clock.instant();
    ExecutionPlan plan;
    try {
      plan = PlanBuilder.build(wf, registry, grants);
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
    Path folder = options.workingDirectory();
    boolean ownFolder = folder == null;
    try {
      folder =
          ownFolder ? Files.createTempDirectory(Files.createDirectories(workRoot), "job-") : folder;
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
    try {
      return execute(wf, plan, options, listener, cancel, folder, started);
    } finally {
      if (ownFolder) {
        deleteQuietly(folder);
      }
    }
  }

  private RunResult execute(
      WorkflowDefinition wf,
      ExecutionPlan plan,
      RunOptions options,
      RunListener listener,
      CancellationToken cancel,
      Path folder,
      Instant started) {
    Duration jobTimeout =
        options.jobTimeout() != null ? options.jobTimeout() : wf.settings().timeout();
    RunEnvironment env =
        RunEnvironment.create(
            clock,
            cancel,
            listener == null ? RunListener.NONE : listener,
            http,
            new WorkFolder(folder, allowEscape, grants.pathMap()),
            options.nodeTimeout(),
            jobTimeout,
            grants);
    Map<String, Object> variables = new LinkedHashMap<>(wf.variables());
    variables.putAll(options.variables());
    LOG.debug(
        "run of '{}' starting: {} nodes, job timeout {}",
        wf.name(),
        plan.userNodeCount,
        jobTimeout);
    RunResult result = new Executor(plan, env, variables).run(started);
    LOG.debug(
        "run of '{}' ended {} after {} node executions in {} ms",
        wf.name(),
        result.status(),
        result.executedNodes(),
        result.duration().toMillis());
    return result;
  }

  /** Removes a folder the engine created for a run; a leftover is logged, not fatal. */
  private static void deleteQuietly(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete the run's working folder {}: {}", folder, e.toString());
    }
    if (Files.exists(folder)) {
      LOG.warn("could not delete the run's working folder {} completely", folder);
    }
  }
}
