package com.casarerpa.fleet.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.jobs.ClaimedJob;
import com.casarerpa.fleet.agent.jobs.EngineExecutor;
import com.casarerpa.fleet.agent.jobs.ExecutionListener;
import com.casarerpa.fleet.agent.jobs.ExecutionResult;
import com.casarerpa.fleet.agent.support.TestKeys;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's configuration fills the engine's credentials: a service node of a job receives the
 * robot's secret, and the effective-config line never shows it.
 */
class WorkflowCredentialsTest {
  private static final String GOOGLE_TOKEN = "ya29.google-secret-token-value";
  private static final String BOT_TOKEN = "4242:telegram-secret-bot-token";
  @TempDir Path dir;
  private final MockWebServer api = new MockWebServer();

  private static final ExecutionListener QUIET =
      new ExecutionListener() {
        @Override
        public void progress(int percent, String nodeId, String nodeType) {}

        @Override
        public void log(LogLevel level, String nodeId, String message) {}
      };

  @BeforeEach
  void start() throws Exception {
    api.start(0);
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private AgentConfig read(Map<String, String> env, String... flags) {
    return ConfigReader.read(
        ConfigSources.load(
            null,
            dir,
            env,
            TestKeys.settings("http://127.0.0.1:1", flags))); // WORKFLOW_HTTP_ALLOW via flags
  }

  private static ClaimedJob job(JsonNode workflow) {
    return new ClaimedJob(
        UUID.randomUUID(),
        UUID.randomUUID(),
        1,
        UUID.randomUUID(),
        "t",
        Json.MAPPER.createObjectNode(),
        workflow,
        null,
        10,
        "default");
  }

  private ExecutionResult run(AgentConfig config, JsonNode workflow) {
    // as RunCommand builds it
    return EngineExecutor.standard(
            dir.resolve("work"), config.workflowHttp(), config.credentials().provider())
        .execute(job(workflow), QUIET, new CancellationToken());
  }

  @Test
  void a_node_receives_the_robots_credential_and_the_config_line_does_not_show_it()
      throws Exception {
    Path file = dir.resolve("credentials.json");
    Files.writeString(
        file,
        "{\"gmail\": {\"access_token\": \""
            + GOOGLE_TOKEN
            + "\", \"base_url\": \""
            + api.url("/")
            + "\"}, \"telegram\": {\"bot_token\": \"overridden-by-env\"}}");
    AgentConfig config =
        read(
            Map.of(
                "CASARE_CRED_TELEGRAM_BOT_TOKEN",
                BOT_TOKEN,
                "CASARE_CRED_TELEGRAM_BASE_URL",
                api.url("/").toString()),
            "CASARE_CREDENTIALS_FILE",
            file.toString(),
            "WORKFLOW_HTTP_ALLOW",
            "127.0.0.1"); // the fake APIs listen on loopback

    api.enqueue(new MockResponse.Builder().body("{\"id\":\"m-1\",\"threadId\":\"t-1\"}").build());
    api.enqueue(
        new MockResponse.Builder()
            .body("{\"ok\":true,\"result\":{\"message_id\":5,\"chat\":{\"id\":9}}}")
            .build());
    JsonNode workflow =
        Workflows.linear("services")
            .node(
                "GmailSendEmailNode",
                Json.MAPPER
                    .createObjectNode()
                    .put("to", "ops@example.com")
                    .put("subject", "Report")
                    .put("body", "done"))
            .node(
                "TelegramSendMessageNode",
                Json.MAPPER.createObjectNode().put("chat_id", "9").put("text", "done"))
            .end();
    ExecutionResult result = run(config, workflow);

    assertThat(result.status()).as(result.toString()).isEqualTo(ExecutionResult.Status.COMPLETED);
    RecordedRequest gmail = api.takeRequest(5, TimeUnit.SECONDS);
    assertThat(gmail.getTarget()).isEqualTo("/gmail/v1/users/me/messages/send");
    assertThat(gmail.getHeaders().get("Authorization")).isEqualTo("Bearer " + GOOGLE_TOKEN);
    RecordedRequest telegram = api.takeRequest(5, TimeUnit.SECONDS);
    assertThat(telegram.getTarget()).isEqualTo("/bot" + BOT_TOKEN + "/sendMessage");

    assertThat(config.describe())
        .contains("workflow_credentials=gmail{access_token,base_url} telegram{base_url,bot_token}")
        .doesNotContain(GOOGLE_TOKEN.substring(0, 8))
        .doesNotContain(BOT_TOKEN.substring(0, 6));
    assertThat(config.toString()).doesNotContain(GOOGLE_TOKEN).doesNotContain(BOT_TOKEN);
    assertThat(config.credentials().toString()).doesNotContain(GOOGLE_TOKEN);
  }

  @Test
  void without_credentials_a_service_job_is_refused_before_it_runs() {
    AgentConfig config = read(Map.of());
    assertThat(config.describe()).contains("workflow_credentials=none");
    JsonNode workflow =
        Workflows.linear("drive").node("DriveListFilesNode", Json.MAPPER.createObjectNode()).end();

    ExecutionResult result = run(config, workflow);

    assertThat(result.status()).isEqualTo(ExecutionResult.Status.FAILED);
    assertThat(result.errorDetails().path("issues").toString())
        .contains("NEEDS_CREDENTIALS")
        .contains("needs drive credentials");
    assertThat(api.getRequestCount()).isZero();
  }

  @Test
  void a_broken_credentials_file_is_reported_without_quoting_it() throws Exception {
    Path file = dir.resolve("credentials.json");
    Files.writeString(file, "{\"gmail\": {\"access_token\": " + GOOGLE_TOKEN + "}}");

    assertThatThrownBy(() -> read(Map.of(), "CASARE_CREDENTIALS_FILE", file.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CASARE_CREDENTIALS_FILE=" + file + ": not valid JSON (line 1")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ya29"));
    assertThatThrownBy(
            () -> read(Map.of(), "CASARE_CREDENTIALS_FILE", dir.resolve("missing.json").toString()))
        .hasMessageContaining("missing.json: no such file");
    assertThatThrownBy(() -> read(Map.of("CASARE_CRED_GMAIL", "x")))
        .hasMessageContaining("CASARE_CRED_GMAIL (from env): name a service and a field");
  }
}
