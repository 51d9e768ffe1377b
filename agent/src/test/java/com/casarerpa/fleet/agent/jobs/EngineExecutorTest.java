package com.casarerpa.fleet.agent.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.PathMap;
import com.casarerpa.fleet.workflow.net.InternalAddressPolicy;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's bridge to the real workflow engine. */
class EngineExecutorTest {
  @TempDir Path work;
  private final List<String> logs = new CopyOnWriteArrayList<>();
  private final List<Integer> progress = new CopyOnWriteArrayList<>();

  private final ExecutionListener listener =
      new ExecutionListener() {
        @Override
        public void progress(int percent, String nodeId, String nodeType) {
          progress.add(percent);
        }

        @Override
        public void log(LogLevel level, String nodeId, String message) {
          logs.add(level + " " + message);
        }
      };

  private static ClaimedJob job(JsonNode workflow, JsonNode payload) {
    return new ClaimedJob(
        UUID.randomUUID(),
        UUID.randomUUID(),
        1,
        UUID.randomUUID(),
        "t",
        payload,
        workflow,
        null,
        10,
        "default");
  }

  @Test
  void a_workflow_runs_to_completion_reporting_logs_and_progress() throws Exception {
    ObjectNode workflow = Workflows.linear("hello").log("hello {who}").end();
    ObjectNode payload = Json.MAPPER.createObjectNode().put("who", "robot");

    ExecutionResult result =
        EngineExecutor.standard(work)
            .execute(job(workflow, payload), listener, new CancellationToken());

    assertThat(result.status()).isEqualTo(ExecutionResult.Status.COMPLETED);
    assertThat(result.output().path("executed_nodes").asInt()).isEqualTo(3);
    assertThat(logs).contains("INFO hello robot");
    assertThat(progress).isNotEmpty().last().isEqualTo(100);
  }

  @Test
  void windows_paths_go_through_the_robots_path_map_and_are_refused_without_it() throws Exception {
    ObjectNode write = Json.MAPPER.createObjectNode();
    write.put("file_path", "C:\\temp\\report.txt").put("content", "from the robot");
    ObjectNode workflow = Workflows.linear("windows path").node("WriteFileNode", write).end();
    Path files = Files.createDirectories(work.resolve("files"));

    ExecutionResult refused =
        EngineExecutor.standard(work.resolve("jobs"))
            .execute(
                job(workflow, Json.MAPPER.createObjectNode()), listener, new CancellationToken());
    assertThat(refused.status()).isEqualTo(ExecutionResult.Status.FAILED);
    assertThat(refused.retryable()).isFalse();
    assertThat(refused.errorMessage()).contains("C:\\temp\\report.txt").contains("CASARE_PATH_MAP");

    ExecutionResult mapped =
        EngineExecutor.standard(
                work.resolve("jobs"),
                InternalAddressPolicy.parse(""),
                CredentialsProvider.NONE,
                PathMap.parse("C:\\temp=" + files))
            .execute(
                job(workflow, Json.MAPPER.createObjectNode()), listener, new CancellationToken());
    assertThat(mapped.status()).isEqualTo(ExecutionResult.Status.COMPLETED);
    assertThat(files.resolve("report.txt")).hasContent("from the robot");
  }

  @Test
  void a_cancel_cuts_a_wait_node_short() throws Exception {
    ObjectNode workflow = Workflows.linear("long wait").waitSeconds(60).end();
    CancellationToken cancellation = new CancellationToken();
    EngineExecutor executor = EngineExecutor.standard(work);

    CompletableFuture<ExecutionResult> run =
        CompletableFuture.supplyAsync(
            () ->
                executor.execute(
                    job(workflow, Json.MAPPER.createObjectNode()), listener, cancellation));
    // progress is reported as each node starts: the second report is the wait node's
    await().until(() -> progress.size() >= 2);
    cancellation.cancel("operator");

    assertThat(run.get(2, TimeUnit.SECONDS).status()).isEqualTo(ExecutionResult.Status.CANCELLED);
  }

  @Test
  void an_invalid_workflow_fails_without_retry_and_says_why() throws Exception {
    ObjectNode workflow =
        Workflows.linear("bad").node("NoSuchNode", Json.MAPPER.createObjectNode()).end();

    ExecutionResult result =
        EngineExecutor.standard(work)
            .execute(job(workflow, null), listener, new CancellationToken());

    assertThat(result.status()).isEqualTo(ExecutionResult.Status.FAILED);
    assertThat(result.retryable()).isFalse();
    assertThat(result.errorMessage()).contains("NoSuchNode");
  }
}
