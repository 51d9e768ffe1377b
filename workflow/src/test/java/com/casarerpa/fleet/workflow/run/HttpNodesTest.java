package com.casarerpa.fleet.workflow.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.RecordingListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpNodesTest {
  @TempDir Path work;
  private final MockWebServer server = new MockWebServer();
  private final RecordingListener listener = new RecordingListener();

  @BeforeEach
  void start() throws Exception {
    server.start(0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RunResult run(TestWorkflow wf) throws Exception {
    return WorkflowEngine.builder()
        .httpAllow("127.0.0.1")
        .workRoot(work)
        .build()
        .run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(work), listener, null);
  }

  @Test
  void post_sends_json_params_and_headers_and_parses_the_json_reply() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(201)
            .addHeader("Content-Type", "application/json")
            .body("{\"id\": 42, \"ok\": true}")
            .build());
    TestWorkflow wf =
        TestWorkflow.create()
            .node(
                "post",
                "HttpSuperNode",
                "action",
                "POST Request",
                "url",
                server.url("/items").toString(),
                "params",
                Map.of("q", "{{term}}"),
                "headers",
                Map.of("X-Robot", "r1"),
                "body",
                Map.of("name", "{{term}}"))
            .node(
                "log",
                "LogNode",
                "message",
                "id={{post.response_json.id}} status={{post.status_code}}",
                "include_node_id",
                false)
            .then("post", "log");
    RunResult r =
        WorkflowEngine.builder()
            .httpAllow("127.0.0.1")
            .workRoot(work)
            .build()
            .run(
                wf.parse(),
                RunOptions.DEFAULTS
                    .withVariables(Map.of("term", "bolts"))
                    .withWorkingDirectory(work),
                listener,
                null);
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    RecordedRequest req = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(req.getUrl().queryParameter("q")).isEqualTo("bolts");
    assertThat(req.getHeaders().get("X-Robot")).isEqualTo("r1");
    assertThat(req.getBody().utf8()).isEqualTo("{\"name\":\"bolts\"}");
    assertThat(listener.messages()).containsExactly("id=42 status=201");
  }

  @Test
  void server_errors_are_retried_then_reported_with_the_status() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(new MockResponse.Builder().code(200).body("fine").build());
    TestWorkflow wf =
        TestWorkflow.create()
            .node(
                "get",
                "HttpRequestNode",
                "url",
                server.url("/flaky").toString(),
                "retry_count",
                2,
                "retry_delay",
                0);
    RunResult r = run(wf);
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("get"))
        .containsEntry("response_body", "fine")
        .containsEntry("status_code", 200L);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void download_file_saves_the_body_inside_the_job_folder() throws Exception {
    server.enqueue(new MockResponse.Builder().body("report,1\n").build());
    RunResult r =
        run(
            TestWorkflow.create()
                .node(
                    "dl",
                    "HttpSuperNode",
                    "action",
                    "Download File",
                    "url",
                    server.url("/report.csv").toString(),
                    "save_path",
                    "downloads/report.csv"));
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(java.nio.file.Files.readString(work.resolve("downloads/report.csv")))
        .isEqualTo("report,1\n");
  }

  @Test
  void a_404_fails_the_node_naming_the_status() throws Exception {
    server.enqueue(new MockResponse.Builder().code(404).build());
    RunResult r =
        run(
            TestWorkflow.create()
                .node("get", "HttpRequestNode", "url", server.url("/missing").toString()));
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.failedNodeId()).isEqualTo("get");
    assertThat(r.errorMessage()).contains("returned HTTP 404");
  }
}
