package com.casarerpa.fleet.workflow.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.RecordingListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancellation, job timeout and node timeout stop a running Wait and an in-flight HTTP call
 * promptly.
 */
class CancellationAndTimeoutTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @TempDir Path work;
  private final MockWebServer server = new MockWebServer();
  private final RecordingListener listener = new RecordingListener();
  private WorkflowEngine engine;

  @BeforeEach
  void start() throws Exception {
    server.start(0);
    engine = WorkflowEngine.builder().httpAllow("127.0.0.1").workRoot(work).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private CompletableFuture<RunResult> runAsync(
      TestWorkflow wf, RunOptions options, CancellationToken token) throws Exception {
    var def = wf.parse();
    return CompletableFuture.supplyAsync(
        () -> engine.run(def, options.withWorkingDirectory(work), listener, token));
  }

  private static TestWorkflow longWait() {
    return TestWorkflow.create()
        .node("wait", "WaitNode", "duration", 600)
        .node("after", "LogNode", "message", "after")
        .then("wait", "after");
  }

  private TestWorkflow slowHttp() {
    server.enqueue(
        new MockResponse.Builder().body("late").headersDelay(600, TimeUnit.SECONDS).build());
    return TestWorkflow.create()
        .node("http", "HttpRequestNode", "url", server.url("/slow").toString(), "timeout", 600);
  }

  @Test
  void cancelling_stops_a_running_wait() throws Exception {
    CancellationToken token = new CancellationToken();
    CompletableFuture<RunResult> run = runAsync(longWait(), RunOptions.DEFAULTS, token);
    await().atMost(PROMPTLY).until(() -> listener.started.contains("wait"));
    token.cancel("operator pressed stop");
    RunResult r = run.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(r.failedNodeId()).isEqualTo("wait");
    assertThat(r.errorMessage()).contains("operator pressed stop");
    assertThat(listener.started).doesNotContain("after");
  }

  @Test
  void interrupting_the_run_thread_cancels_the_run() throws Exception {
    var def = longWait().parse();
    var result = new java.util.concurrent.atomic.AtomicReference<RunResult>();
    Thread runner =
        Thread.ofPlatform()
            .name("interrupt-test-run")
            .start(
                () ->
                    result.set(
                        engine.run(
                            def,
                            RunOptions.DEFAULTS.withWorkingDirectory(work),
                            listener,
                            new CancellationToken())));
    await().atMost(PROMPTLY).until(() -> listener.started.contains("wait"));
    runner.interrupt();
    runner.join(PROMPTLY.toMillis());
    assertThat(result.get().status()).isEqualTo(RunStatus.CANCELLED);
  }

  @Test
  void job_timeout_stops_a_running_wait() throws Exception {
    RunResult r =
        runAsync(
                longWait(),
                RunOptions.DEFAULTS.withJobTimeout(Duration.ofMillis(300)),
                new CancellationToken())
            .get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(RunStatus.TIMED_OUT);
    assertThat(r.errorMessage()).contains("timed out after 300ms");
  }

  @Test
  void node_timeout_fails_the_wait_as_a_catchable_timeout_error() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("try", "TryNode")
            .node("wait", "WaitNode", "duration", 600)
            .node("catch", "CatchNode")
            .node("log", "LogNode", "message", "{{catch.error_type}}", "include_node_id", false)
            .exec("try", "try_body", "wait")
            .then("try", "catch")
            .exec("catch", "catch_body", "log");
    RunResult r =
        runAsync(
                wf,
                RunOptions.DEFAULTS.withNodeTimeout(Duration.ofMillis(200)),
                new CancellationToken())
            .get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages()).containsExactly("TimeoutError");
  }

  @Test
  void node_timeout_stops_a_catastrophic_regex() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("re", "RegexMatchNode", "pattern", "(.*a){12}c", "text", "a".repeat(40) + "b");
    RunResult r =
        runAsync(
                wf,
                RunOptions.DEFAULTS.withNodeTimeout(Duration.ofMillis(300)),
                new CancellationToken())
            .get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.errorMessage()).contains("regular expression was stopped");
  }

  @Test
  void cancelling_aborts_an_in_flight_http_call() throws Exception {
    CancellationToken token = new CancellationToken();
    CompletableFuture<RunResult> run = runAsync(slowHttp(), RunOptions.DEFAULTS, token);
    server.takeRequest(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    token.cancel("job cancelled by the orchestrator");
    RunResult r = run.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(r.failedNodeId()).isEqualTo("http");
  }

  @Test
  void job_timeout_aborts_an_in_flight_http_call() throws Exception {
    RunResult r =
        runAsync(
                slowHttp(),
                RunOptions.DEFAULTS.withJobTimeout(Duration.ofMillis(500)),
                new CancellationToken())
            .get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(RunStatus.TIMED_OUT);
  }

  @Test
  void cancellation_is_checked_between_nodes_of_a_tight_loop() throws Exception {
    CancellationToken token = new CancellationToken();
    TestWorkflow wf =
        TestWorkflow.create()
            .node("w", "WhileLoopStartNode", "expression", "True", "max_iterations", 2_000_000_000)
            .node("inc", "IncrementVariableNode", "variable_name", "k")
            .node("end", "WhileLoopEndNode")
            .exec("w", "body", "inc")
            .then("inc", "end");
    CompletableFuture<RunResult> run = runAsync(wf, RunOptions.DEFAULTS, token);
    await().atMost(PROMPTLY).until(() -> listener.started.size() > 1000);
    token.cancel("stop");
    RunResult r = run.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(r.executedNodes()).isGreaterThan(1000);
  }
}
