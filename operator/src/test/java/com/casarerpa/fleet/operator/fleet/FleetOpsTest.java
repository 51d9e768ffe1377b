package com.casarerpa.fleet.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.operator.Agents;
import com.casarerpa.fleet.operator.Cli;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fleet operations against the real local stack, jobs through a real agent. */
class FleetOpsTest {
  @TempDir static Path dir;
  static TestStack stack;
  static Cli cli;
  static Agent agent;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
    cli = stack.cli();
    Cli.Result created = cli.run("robots", "create", "worker-1", "--capability", "browser");
    assertThat(created.code()).as(created.toString()).isZero();
    String key = created.out().strip();
    agent =
        Agents.start(
            stack.stack().url(), stack.stack().anonKey(), key, "worker-1", dir.resolve("agent"));
    Files.writeString(
        dir.resolve("hello.json"),
        Workflows.linear("hello").log("hi from the robot").end().toString());
    Cli.Result pushed = cli.run("workflows", "push", dir.resolve("hello.json").toString());
    assertThat(pushed.code()).as(pushed.toString()).isZero();
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.close(Duration.ofSeconds(20));
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static int robotCall(String key) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(stack.stack().url() + "/rest/v1/rpc/robot_fleet_maintenance"))
                    .header("apikey", stack.stack().anonKey())
                    .header("x-robot-api-key", key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  @Test
  void robots_and_keys_lifecycle() throws Exception {
    Cli.Result created = cli.run("robots", "create", "spare", "--env", "lab", "--max-jobs", "2");
    assertThat(created.code()).as(created.toString()).isZero();
    String firstKey = created.out().strip();
    assertThat(firstKey).startsWith("crpa_").hasSize(48);
    assertThat(cli.run("robots", "create", "spare").code()).isEqualTo(1);

    Cli.Result list = cli.run("robots", "list");
    assertThat(list.out()).contains("NAME").contains("spare").contains("lab").contains("worker-1");
    JsonNode robots = FleetApi.JSON.readTree(cli.run("robots", "list", "--json").out());
    assertThat(robots.findValuesAsText("name")).contains("spare", "worker-1");
    assertThat(cli.run("robots", "show", "spare").out()).contains("max_concurrent_jobs: 2");

    Cli.Result key =
        cli.run("keys", "create", "--robot", "spare", "--expires-in", "90d", "--name", "laptop");
    assertThat(key.code()).as(key.toString()).isZero();
    String secondKey = key.out().strip();
    assertThat(secondKey).startsWith("crpa_").isNotEqualTo(firstKey);
    assertThat(key.err()).contains("Shown this once").doesNotContain(secondKey);

    JsonNode keys =
        FleetApi.JSON.readTree(cli.run("keys", "list", "--robot", "spare", "--json").out());
    assertThat(keys).hasSize(2);
    JsonNode laptop = null;
    for (JsonNode k : keys) {
      if ("laptop".equals(k.path("name").asText())) {
        laptop = k;
      }
    }
    assertThat(laptop).isNotNull();
    Instant expires = Instant.parse(laptop.path("expires_at").asText().replace("+00:00", "Z"));
    assertThat(expires)
        .isBetween(
            Instant.now().plus(Duration.ofDays(89)), Instant.now().plus(Duration.ofDays(91)));
    assertThat(cli.run("keys", "list").out())
        .contains("laptop")
        .contains("active")
        .doesNotContain(secondKey);

    assertThat(robotCall(secondKey)).isEqualTo(200);
    Cli.Result revoked =
        cli.run("keys", "revoke", laptop.path("id").asText(), "--reason", "lost laptop");
    assertThat(revoked.code()).as(revoked.toString()).isZero();
    assertThat(robotCall(secondKey)).isEqualTo(401);
    assertThat(robotCall(firstKey)).isEqualTo(200);
    assertThat(cli.run("keys", "list", "--robot", "spare").out()).contains("revoked");

    assertThat(cli.run("robots", "disable", "spare").out()).contains("-> maintenance");
    assertThat(
            FleetApi.JSON
                .readTree(cli.run("robots", "show", "spare", "--json").out())
                .path("status")
                .asText())
        .isEqualTo("maintenance");
    assertThat(cli.run("robots", "enable", "spare").out()).contains("maintenance -> ");

    Cli.Result refused = cli.run("robots", "delete", "spare");
    assertThat(refused.code()).isEqualTo(2);
    assertThat(cli.run("robots", "delete", "spare", "--yes").code()).isZero();
    Cli.Result gone = cli.run("robots", "show", "spare");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).contains("no robot spare");
  }

  @Test
  void a_workflow_needing_what_a_robot_may_have_is_uploaded_with_a_warning() throws Exception {
    Path browser = dir.resolve("browser.json");
    Files.writeString(
        browser,
        """
        {"metadata": {"name": "needs-browser"},
         "nodes": {"click": {"node_id": "click", "node_type": "ClickElementNode",
                             "config": {"selector": "#go"}}},
         "connections": []}
        """);
    Cli.Result result = cli.run("workflows", "push", browser.toString());
    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("WARNING NEEDS_CAPABILITY [click]")
        .contains("only a robot that has this can run the workflow");
    assertThat(cli.run("workflows", "list").out()).contains("needs-browser");
  }

  @Test
  void a_bad_workflow_gets_the_engines_codes_and_is_not_uploaded() throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(
        bad,
        """
        {"metadata": {"name": "broken"},
         "nodes": {"a": {"node_id": "a", "node_type": "NoSuchNode", "config": {}}},
         "connections": []}
        """);
    Cli.Result result = cli.run("workflows", "push", bad.toString());
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err()).contains("NOT_IN_ORIGINAL").contains("nothing uploaded");
    assertThat(cli.run("workflows", "list").out()).contains("hello").doesNotContain("broken");

    Cli.Result show = cli.run("workflows", "show", "hello");
    assertThat(show.code()).isZero();
    assertThat(show.out()).contains("workflow_name:").contains("LogNode");
  }

  @Test
  void enqueue_wait_runs_through_the_real_agent_and_the_logs_are_there() throws Exception {
    Cli.Result job =
        cli.run(
            "jobs",
            "enqueue",
            "--workflow",
            "hello",
            "--var",
            "who=world",
            "--wait",
            "--wait-timeout",
            "2m");
    assertThat(job.code()).as(job.toString()).isZero();
    assertThat(job.out()).contains("Queued job").contains("completed");
    String id =
        job.out()
            .lines()
            .filter(l -> l.startsWith("Queued job"))
            .findFirst()
            .orElseThrow()
            .split(" ")[2]
            .replace(";", "");

    JsonNode shown = FleetApi.JSON.readTree(cli.run("jobs", "show", id, "--json").out());
    assertThat(shown.path("status").asText()).isEqualTo("completed");
    assertThat(shown.path("payload").path("who").asText()).isEqualTo("world");
    assertThat(shown.has("claim_token")).isFalse();
    assertThat(cli.run("jobs", "list", "--status", "completed").out())
        .contains(id)
        .contains("worker-1");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(cli.run("logs", "tail", "--job", id).out())
                    .contains("hi from the robot"));
    Cli.Result logs = cli.run("logs", "tail", "--job", id, "--json");
    assertThat(
            FleetApi.JSON
                .readTree(logs.out().lines().findFirst().orElseThrow())
                .path("job_id")
                .asText())
        .isEqualTo(id);
    assertThat(cli.run("logs", "tail", "--robot", "worker-1", "--level", "error").out())
        .doesNotContain("hi from the robot");
  }

  @Test
  void cancel_and_retry_a_job_no_robot_can_take() throws Exception {
    Cli.Result queued =
        cli.run("jobs", "enqueue", "--workflow", "hello", "--capability", "gpu", "--json");
    assertThat(queued.code()).as(queued.toString()).isZero();
    String id = FleetApi.JSON.readTree(queued.out()).path("job_id").asText();
    assertThat(cli.run("jobs", "retry", id).code()).as("a queued job is not retried").isEqualTo(1);

    Cli.Result cancelled = cli.run("jobs", "cancel", id, "--reason", "nobody has a gpu");
    assertThat(cancelled.code()).as(cancelled.toString()).isZero();
    assertThat(cancelled.out()).contains("cancelled");

    Cli.Result retried = cli.run("jobs", "retry", id);
    assertThat(retried.code()).as(retried.toString()).isZero();
    String newId = retried.out().split(" ")[2];
    JsonNode again = FleetApi.JSON.readTree(cli.run("jobs", "show", newId, "--json").out());
    assertThat(again.path("status").asText()).isEqualTo("queued");
    assertThat(again.path("required_capabilities").toString()).contains("gpu");
    assertThat(cli.run("jobs", "cancel", newId).code()).isZero();
    assertThat(cli.run("jobs", "list", "--status", "cancelled", "--json").out())
        .contains(id)
        .contains(newId);
    assertThat(cli.run("jobs", "show", "not-a-uuid").code()).isEqualTo(2);
  }

  @Test
  void logs_follow_prints_new_lines_as_they_arrive() throws Exception {
    CompletableFuture<Cli.Result> follow =
        CompletableFuture.supplyAsync(
            () ->
                cli.run(
                    "logs",
                    "tail",
                    "--robot",
                    "worker-1",
                    "--lines",
                    "0",
                    "--follow",
                    "--stop-after",
                    "1",
                    "--level",
                    "INFO",
                    "--since",
                    "1s"));
    // the follower is listening once it has printed nothing and is still running; the job's
    // lines are new to it whenever they arrive
    Cli.Result job =
        cli.run("jobs", "enqueue", "--workflow", "hello", "--wait", "--wait-timeout", "2m");
    assertThat(job.code()).as(job.toString()).isZero();
    Cli.Result result = follow.get(60, TimeUnit.SECONDS);
    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out()).contains("worker-1");
    assertThat(result.err())
        .as("woken by Realtime, not only polling")
        .doesNotContain("Realtime unavailable");
  }

  @Test
  void a_wrong_service_key_exits_3() throws Exception {
    Path env = dir.resolve("wrong.env");
    Files.writeString(
        env,
        "SUPABASE_URL="
            + stack.stack().url()
            + "\nSUPABASE_SERVICE_KEY="
            + stack.stack().anonKey()
            + "\n");
    Cli.Result result =
        cli.run("--env-file", env.toString(), "robots", "delete", "worker-1", "--yes");
    assertThat(result.code()).as(result.toString()).isIn(1, 3);
    Cli.Result keys = cli.run("--env-file", env.toString(), "keys", "list");
    assertThat(keys.code()).as(keys.toString()).isEqualTo(3);
    assertThat(keys.err()).contains("SUPABASE_SERVICE_KEY");
    assertThat(cli.run("robots", "show", "worker-1").code()).isZero();
  }
}
