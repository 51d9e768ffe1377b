package com.casarerpa.fleet.agent.support;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.jobs.ClaimedJob;
import com.casarerpa.fleet.agent.jobs.ExecutionListener;
import com.casarerpa.fleet.agent.jobs.ExecutionResult;
import com.casarerpa.fleet.agent.jobs.WorkflowExecutor;
import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a scripted "workflow" instead of CasareRPA JSON, for tests of the job path: {@code {"steps":
 * [{"log": "text"}, {"progress": 50, "node": "n1"}, {"sleep_ms": 100}], "ignore_cancel": false,
 * "fail": "message"}}. Counts how many runs overlap.
 */
public final class FakeWorkflowExecutor implements WorkflowExecutor {
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();
  private final AtomicInteger runs = new AtomicInteger();

  public static ObjectNode script() {
    ObjectNode script = Json.MAPPER.createObjectNode();
    script.putArray("steps");
    return script;
  }

  public int maxConcurrentRuns() {
    return maxRunning.get();
  }

  public int runs() {
    return runs.get();
  }

  @Override
  public ExecutionResult execute(
      ClaimedJob job, ExecutionListener listener, CancellationToken cancel)
      throws InterruptedException {
    runs.incrementAndGet();
    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      JsonNode script = job.workflowJson();
      boolean ignoreCancel = script.path("ignore_cancel").asBoolean();
      for (JsonNode step : script.path("steps")) {
        if (cancel.isCancelled() && !ignoreCancel) {
          return ExecutionResult.cancelled();
        }
        if (step.has("log")) {
          listener.log(LogLevel.INFO, step.path("node").asText(null), step.get("log").asText());
        }
        if (step.has("progress")) {
          listener.progress(step.get("progress").asInt(), step.path("node").asText(null), "Fake");
        }
        if (step.has("sleep_ms")) {
          sleep(step.get("sleep_ms").asLong(), cancel, ignoreCancel);
        }
      }
      if (cancel.isCancelled() && !ignoreCancel) {
        return ExecutionResult.cancelled();
      }
      if (script.has("fail")) {
        return ExecutionResult.failed(script.get("fail").asText(), null, true);
      }
      return ExecutionResult.completed(Json.MAPPER.createObjectNode().put("ok", true));
    } finally {
      running.decrementAndGet();
    }
  }

  /** The workflow's own work taking {@code millis}: over early on a cancel unless stubborn. */
  private static void sleep(long millis, CancellationToken cancel, boolean ignoreCancel)
      throws InterruptedException {
    if (ignoreCancel) {
      // a stubborn workflow: only an interrupt stops it
      Thread.sleep(millis);
    } else {
      cancel.await(Duration.ofMillis(millis));
    }
  }
}
