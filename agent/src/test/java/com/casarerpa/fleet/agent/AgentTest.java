package com.casarerpa.fleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.config.ConfigException;
import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.supabase.ChannelOptions;
import com.casarerpa.fleet.agent.supabase.RealtimeChannel;
import com.casarerpa.fleet.agent.supabase.RealtimeClient;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.agent.support.FakeFleetBackend;
import com.casarerpa.fleet.agent.support.FakeFleetBackend.Job;
import com.casarerpa.fleet.agent.support.FakeWorkflowExecutor;
import com.casarerpa.fleet.agent.support.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's job path against an in-memory fleet backend on real loopback sockets. */
class AgentTest {
  @TempDir Path dataDir;
  private FakeFleetBackend backend;
  private final FakeWorkflowExecutor executor = new FakeWorkflowExecutor();
  private Agent agent;

  @BeforeEach
  void start() throws Exception {
    backend = new FakeFleetBackend();
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close(Duration.ofSeconds(20));
    }
    backend.close();
  }

  private Agent startAgent() {
    return startAgent(config -> config);
  }

  private Agent startAgent(UnaryOperator<AgentConfig.Builder> adjust) {
    AgentConfig.Builder config =
        config()
            .heartbeatInterval(Duration.ofSeconds(1))
            .offlineThreshold(Duration.ofSeconds(5))
            .cancelGrace(Duration.ofMillis(300))
            .logFlushInterval(Duration.ofMillis(50));
    agent = new Agent(adjust.apply(config).build(), executor);
    agent.start();
    return agent;
  }

  /** The fake backend's URL, the test keys, this test's data folder, no ops port. */
  private AgentConfig.Builder config() {
    return TestKeys.config(backend.url()).dataDir(dataDir);
  }

  private static ObjectNode steps(Object... steps) {
    ObjectNode script = FakeWorkflowExecutor.script();
    ArrayNode array = (ArrayNode) script.get("steps");
    for (Object step : steps) {
      array.add((JsonNode) step);
    }
    return script;
  }

  private static ObjectNode step(String key, Object value) {
    ObjectNode step = FakeWorkflowExecutor.script().objectNode();
    if (value instanceof Integer i) {
      step.put(key, i);
    } else {
      step.put(key, value.toString());
    }
    return step;
  }

  @Test
  void a_queued_job_is_claimed_run_and_completed_with_progress_and_logs() {
    startAgent();
    Job job =
        backend.enqueue(
            steps(
                step("log", "hello from the workflow"),
                step("progress", 60).put("node", "n1"),
                step("sleep_ms", 1500)));
    backend.announce(job);

    await().atMost(Duration.ofSeconds(10)).until(() -> job.status.equals("completed"));
    assertThat(job.progress).isEqualTo(60);
    assertThat(job.currentNode).isEqualTo("n1");
    assertThat(job.result.path("ok").asBoolean()).isTrue();
    await()
        .until(
            () ->
                backend.logs().stream()
                    .anyMatch(l -> l.path("message").asText().equals("hello from the workflow")));
    JsonNode line =
        backend.logs().stream()
            .filter(l -> l.path("message").asText().equals("hello from the workflow"))
            .findFirst()
            .orElseThrow();
    assertThat(line.path("job_id").asText()).isEqualTo(job.id.toString());
    assertThat(line.path("level").asText()).isEqualTo("INFO");
  }

  @Test
  void robot_name_is_sent_as_the_robots_name_and_a_taken_one_is_reported() {
    backend.nameTaken("lab-7");
    startAgent(config -> config.robotName("lab-7"));

    assertThat(backend.name()).isEqualTo("lab-7 (" + tail(backend.robotId) + ")");
    assertThat(agent.robotName()).isEqualTo(backend.name());
  }

  @Test
  void without_robot_name_the_fleets_name_stays() {
    startAgent();

    assertThat(backend.name()).isEqualTo("fake-robot");
    assertThat(agent.robotName()).isEqualTo("fake-robot");
  }

  @Test
  void a_database_without_the_name_parameter_still_registers_the_robot() {
    backend.schemaWithoutName();
    startAgent(config -> config.robotName("lab-7"));

    assertThat(backend.calls("robot_register")).isEqualTo(2);
    assertThat(agent.robotName()).isEqualTo("fake-robot");
  }

  private static String tail(java.util.UUID id) {
    String text = id.toString();
    return text.substring(text.length() - 8);
  }

  @Test
  void a_stop_during_a_patient_registration_ends_the_agent_promptly() throws Exception {
    backend.down(true);
    Agent starting = new Agent(config().build(), executor);
    CompletableFuture<AgentExit> exit = CompletableFuture.supplyAsync(starting::run);
    await().until(() -> backend.calls("robot_register") >= 2);

    starting.requestStop();

    assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(AgentExit.OK);
    assertThat(backend.calls("claim_jobs")).isZero();
  }

  @Test
  void never_runs_more_jobs_at_once_than_its_slots() {
    startAgent(c -> c.maxConcurrentJobs(2));
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      jobs.add(backend.enqueue(steps(step("sleep_ms", 300))));
    }
    backend.announce(jobs.getFirst());

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> jobs.stream().allMatch(j -> j.status.equals("completed")));
    assertThat(executor.maxConcurrentRuns()).isEqualTo(2);
    assertThat(jobs).allSatisfy(j -> assertThat(j.claims).isEqualTo(1));
  }

  @Test
  void an_operator_cancel_stops_the_running_job_and_finishes_it_cancelled() {
    startAgent();
    Job job = backend.enqueue(steps(step("progress", 10), step("sleep_ms", 30_000)));
    backend.announce(job);
    await().until(() -> job.status.equals("running"));

    backend.cancel(job);

    // the job sleeps 30 s: cancelled before that is the cancel taking effect
    await().atMost(Duration.ofSeconds(20)).until(() -> job.status.equals("cancelled"));
  }

  @Test
  void a_workflow_that_ignores_cancellation_is_stopped_hard_after_the_grace() {
    startAgent();
    ObjectNode stubborn = steps(step("sleep_ms", 30_000)).put("ignore_cancel", true);
    Job job = backend.enqueue(stubborn);
    backend.announce(job);
    await().until(() -> job.status.equals("running"));

    backend.cancel(job);

    // it ignores the cancel and sleeps 30 s: cancelled before that is the hard stop
    await().atMost(Duration.ofSeconds(20)).until(() -> job.status.equals("cancelled"));
  }

  @Test
  void a_job_past_its_timeout_is_failed_as_timed_out() {
    startAgent();
    Job job = backend.enqueue(steps(step("sleep_ms", 30_000)).put("timeout_seconds", 1));
    backend.announce(job);

    await().atMost(Duration.ofSeconds(5)).until(() -> job.status.equals("timeout"));
    assertThat(job.timedOut).isTrue();
    assertThat(job.error).contains("timed out after 1 s");
  }

  @Test
  void a_lost_lease_aborts_the_run_without_writing_results() {
    startAgent();
    Job job = backend.enqueue(steps(step("sleep_ms", 30_000)));
    backend.announce(job);
    await().until(() -> job.status.equals("running"));

    backend.takeAway(job);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> agent.metrics().counter("agent.jobs.finished", "outcome", "lost").count() == 1);
    assertThat(job.status).isEqualTo("running");
    assertThat(
            backend.calls("complete_job")
                + backend.calls("fail_job")
                + backend.calls("finish_cancelled_job"))
        .isZero();
  }

  @Test
  void a_graceful_stop_releases_a_job_that_outlives_the_budget_and_goes_offline() {
    startAgent(c -> c.shutdownBudget(Duration.ofMillis(500)));
    Job job = backend.enqueue(steps(step("sleep_ms", 30_000)));
    backend.announce(job);
    await().until(() -> job.status.equals("running"));

    AgentExit exit = agent.close(Duration.ofSeconds(10));

    assertThat(exit).isEqualTo(AgentExit.OK);
    assertThat(job.status).isEqualTo("queued");
    assertThat(backend.calls("robot_offline")).isEqualTo(1);
    assertThat(backend.realtime().received("phx_leave")).isNotEmpty();
  }

  @Test
  void a_graceful_stop_lets_a_short_job_finish_within_the_budget() {
    startAgent(c -> c.shutdownBudget(Duration.ofSeconds(10)));
    Job job = backend.enqueue(steps(step("sleep_ms", 1500)));
    backend.announce(job);
    await().until(() -> job.status.equals("running"));

    AgentExit exit = agent.close(Duration.ofSeconds(15));

    assertThat(exit).isEqualTo(AgentExit.OK);
    assertThat(job.status).isEqualTo("completed");
  }

  @Test
  void a_revoked_key_stops_the_agent_with_one_fatal_error_and_no_retry_storm() {
    startAgent();
    long before = backend.calls().size();

    backend.revokeKey();

    assertThat(agent.awaitExit()).isEqualTo(AgentExit.KEY_REJECTED);
    assertThat(backend.calls().size() - before).isLessThan(10);
  }

  @Test
  void logs_written_while_the_backend_is_down_arrive_once_and_in_order_after_it_returns() {
    startAgent();
    ObjectNode chatty = steps();
    ArrayNode array = (ArrayNode) chatty.get("steps");
    for (int i = 0; i < 40; i++) {
      array.add(step("log", "line " + i));
      array.add(step("sleep_ms", 50));
    }
    Job job = backend.enqueue(chatty);
    backend.announce(job);
    await().until(() -> job.status.equals("running"));

    backend.down(true);
    await().until(() -> agent.metrics().counter("agent.log.lines.spooled").count() > 0);
    backend.down(false);

    await().atMost(Duration.ofSeconds(20)).until(() -> job.status.equals("completed"));
    await().atMost(Duration.ofSeconds(20)).until(() -> workflowLines().size() == 40);
    assertThat(workflowLines()).containsExactlyElementsOf(expectedLines(40));
  }

  @Test
  void lines_spooled_by_a_previous_run_are_shipped_once_at_the_next_start() {
    startAgent();
    backend.down(true);
    assertThat(agent.close(Duration.ofSeconds(20))).isEqualTo(AgentExit.OK);
    assertThat(stoppedLines()).isZero();
    backend.down(false);

    startAgent();

    await().atMost(Duration.ofSeconds(10)).until(() -> stoppedLines() == 1);
  }

  @Test
  void health_and_metrics_are_served_on_loopback() throws Exception {
    startAgent(c -> c.opsPort(0));
    HttpClient http = HttpClient.newHttpClient();
    URI base = URI.create("http://127.0.0.1:" + agent.opsPort());

    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(base.resolve("/healthz")).build(), BodyHandlers.ofString());
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(base.resolve("/metrics")).build(), BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"ok\"").contains(backend.robotId.toString());
    JsonNode workers = Json.MAPPER.readTree(health.body()).path("workers");
    for (String worker :
        List.of(
            "claim",
            "realtime",
            "log-journal",
            "log-shipper",
            "agent-heartbeat",
            "agent-fleet",
            "agent-timers")) {
      assertThat(workers.path(worker).path("alive").asBoolean()).as(worker).isTrue();
      assertThat(workers.path(worker).path("failures").isNumber()).as(worker).isTrue();
    }
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("agent_jobs_running")
        .contains("agent_log_lines_shipped_total");
  }

  @Test
  void the_agent_never_puts_log_lines_on_realtime_even_with_a_viewer_present() {
    startAgent();
    RealtimeClient viewer =
        new RealtimeClient(
            SupabaseRest.httpClient(Duration.ofSeconds(2)),
            backend.url(),
            TestKeys.ANON_KEY,
            Duration.ofSeconds(25),
            new Backoff(Duration.ofMillis(20), Duration.ofMillis(100)));
    RealtimeChannel tail =
        viewer.channel("robot-logs:" + backend.robotId, ChannelOptions.presence("viewer-1", true));
    try {
      viewer.start();
      tail.track(FakeWorkflowExecutor.script().objectNode().put("viewer", "test"));
      await().until(tail::isJoined);

      Job watched = backend.enqueue(steps(step("log", "someone is watching")));
      backend.announce(watched);

      await().until(() -> watched.status.equals("completed"));
      await()
          .until(
              () ->
                  backend.logs().stream()
                      .anyMatch(l -> l.path("message").asText().equals("someone is watching")));
      // the tail is the database's (private topic); a public copy would be readable by anyone
      assertThat(liveBroadcasts()).isZero();
      assertThat(
              backend.realtime().received("phx_join").stream()
                  .filter(m -> m.topic().equals("realtime:robot-logs:" + backend.robotId))
                  .count())
          .as("only the viewer joins the tail topic")
          .isEqualTo(1);
    } finally {
      viewer.stop(Duration.ofSeconds(2));
    }
  }

  /**
   * The wiring: hints on the public topics (job_queued on job-queue and robot:<id>, cancel_job on
   * robot:<id>) reach the agent through a {@code HintGate}. How much a burst costs (one action at
   * once, one at the end of the window) is {@code HintGateTest}'s, on driven time.
   */
  @Test
  void forged_hints_on_the_public_topics_reach_the_agent_through_the_hint_gates() {
    backend.serverTiming(600, 60);
    startAgent(c -> c.heartbeatInterval(Duration.ofSeconds(60)));
    // start-up: a claim at start and one for the job-queue join (a wake-up flag is never lost),
    // a heartbeat for the robot:<id> join; the next timed ones are 30 s (poll) and 60 s away
    await()
        .until(
            () ->
                joined("realtime:job-queue")
                    && joined("realtime:robot:" + backend.robotId)
                    && backend.calls("claim_jobs") >= 2
                    && backend.calls("robot_heartbeat") >= 1);
    long claimsBefore = backend.calls("claim_jobs");

    for (int i = 0; i < 40; i++) {
      backend
          .realtime()
          .broadcast(
              "realtime:job-queue",
              "job_queued",
              FakeWorkflowExecutor.script().objectNode().put("job_id", "forged-" + i));
    }
    // the poll interval is 30 s: a claim now comes from a hint
    await().until(() -> backend.calls("claim_jobs") > claimsBefore);

    // the database's targeted wake-up arrives on robot:<id>, through the same gate
    long claimsAfterQueue = backend.calls("claim_jobs");
    for (int i = 0; i < 40; i++) {
      backend
          .realtime()
          .broadcast(
              "realtime:robot:" + backend.robotId,
              "job_queued",
              FakeWorkflowExecutor.script().objectNode().put("job_id", "forged-" + i));
    }
    await().until(() -> backend.calls("claim_jobs") > claimsAfterQueue);

    // heartbeats are a minute apart here: a heartbeat now comes from a cancel hint
    long beatsBefore = backend.calls("robot_heartbeat");
    for (int i = 0; i < 40; i++) {
      backend
          .realtime()
          .broadcast(
              "realtime:robot:" + backend.robotId,
              "cancel_job",
              FakeWorkflowExecutor.script().objectNode().put("job_id", "forged-" + i));
    }
    await().until(() -> backend.calls("robot_heartbeat") > beatsBefore);
  }

  private boolean joined(String topic) {
    return backend.realtime().received("phx_join").stream().anyMatch(m -> m.topic().equals(topic));
  }

  @Test
  void heartbeats_keep_their_cadence_while_a_progress_call_hangs() {
    backend.hold("report_job_progress");
    startAgent(c -> c.httpTimeout(Duration.ofSeconds(60)));
    Job job = backend.enqueue(steps(step("progress", 10), step("sleep_ms", 30_000)));
    backend.announce(job);
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.waiting() == 1);

    long beatsBefore = backend.calls("robot_heartbeat");

    // the heartbeat interval is 1 s: three more beats while progress is stuck
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> backend.calls("robot_heartbeat") >= beatsBefore + 3);
    assertThat(backend.waiting()).as("the progress call is still hanging").isEqualTo(1);
    assertThat(job.status).isEqualTo("running");
    backend.answer("report_job_progress");
  }

  @Test
  void a_bad_row_in_a_claim_batch_fails_that_job_for_good_and_runs_the_rest() {
    Job good = backend.enqueue(steps(step("log", "first")));
    Job bad = backend.enqueue(steps(step("log", "never runs")));
    bad.claimRowOverride = FakeWorkflowExecutor.script().objectNode().put("workflow_id", "x");
    Job alsoGood = backend.enqueue(steps(step("log", "third")));
    startAgent(c -> c.maxConcurrentJobs(3));
    backend.announce(good);

    await().atMost(Duration.ofSeconds(10)).until(() -> good.status.equals("completed"));
    await().atMost(Duration.ofSeconds(10)).until(() -> alsoGood.status.equals("completed"));
    await().atMost(Duration.ofSeconds(10)).until(() -> bad.status.equals("failed"));
    assertThat(bad.error).contains("could not read the claimed job");
    assertThat(bad.claims).isEqualTo(1);
  }

  @Test
  void close_says_so_when_its_deadline_passes_before_the_agent_stopped() {
    startAgent(c -> c.shutdownBudget(Duration.ofSeconds(10)));
    Job job = backend.enqueue(steps(step("sleep_ms", 30_000)));
    backend.announce(job);
    await().until(() -> job.status.equals("running"));

    assertThat(agent.close(Duration.ofMillis(1))).isEqualTo(AgentExit.FAILED);
    assertThat(agent.close(Duration.ofSeconds(30))).isEqualTo(AgentExit.OK);
  }

  @Test
  void the_stop_stays_inside_the_shutdown_budget_when_going_offline_hangs() {
    startAgent(c -> c.shutdownBudget(Duration.ofSeconds(2)).httpTimeout(Duration.ofSeconds(60)));
    Job job = backend.enqueue(steps(step("sleep_ms", 30_000)));
    backend.announce(job);
    await().until(() -> job.status.equals("running"));
    backend.hold("robot_offline");
    backend.hold("append_robot_logs");

    CompletableFuture<AgentExit> closing =
        CompletableFuture.supplyAsync(() -> agent.close(Duration.ofMinutes(5)));

    // a 60 s HTTP timeout with retries would hold the stop for minutes; the budget is 2 s
    await().atMost(Duration.ofSeconds(20)).until(closing::isDone);
    assertThat(closing.join()).isEqualTo(AgentExit.OK);
    assertThat(job.status).as("the job was released within the budget").isEqualTo("queued");
    assertThat(backend.calls("robot_offline")).isEqualTo(1);
    backend.answer("robot_offline");
    backend.answer("append_robot_logs");
  }

  @Test
  void a_second_agent_on_the_same_data_folder_refuses_to_start_and_names_the_holder() {
    startAgent();

    assertThatThrownBy(() -> new Agent(config().build(), executor))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ROBOT_DATA_DIR=" + dataDir)
        .hasMessageContaining("PID " + ProcessHandle.current().pid())
        .hasMessageNotContaining("\n");
    assertThat(agent.close(Duration.ofSeconds(20))).isEqualTo(AgentExit.OK);

    agent = new Agent(config().build(), executor);
    assertThat(dataDir.resolve("agent.pid")).as("the stopped agent released the folder").exists();
  }

  private long liveBroadcasts() {
    return backend.realtime().received("broadcast").stream()
        .filter(m -> m.topic().equals("realtime:robot-logs:" + backend.robotId))
        .count();
  }

  private long stoppedLines() {
    return backend.logs().stream()
        .filter(l -> l.path("message").asText().equals("agent stopped"))
        .count();
  }

  private List<String> workflowLines() {
    return backend.logs().stream()
        .filter(l -> "workflow".equals(l.path("source").asText()))
        .sorted((a, b) -> Long.compare(a.path("seq").asLong(), b.path("seq").asLong()))
        .map(l -> l.path("message").asText())
        .toList();
  }

  private static List<String> expectedLines(int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add("line " + i);
    }
    return lines;
  }
}
