package com.casarerpa.fleet.workflow.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.JsonValues;
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

/** Telegram and WhatsApp nodes against local fakes of the documented API shapes. */
class MessagingNodesTest {
  @TempDir Path job;
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start(0);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private RunResult run(Map<String, Map<String, String>> creds, TestWorkflow wf) throws Exception {
    try (WorkflowEngine engine =
        WorkflowEngine.builder()
            .workRoot(job)
            .httpAllow("127.0.0.1") // the fake API listens on loopback
            .credentials(CredentialsProvider.of(creds))
            .build()) {
      return engine.run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(job), null, null);
    }
  }

  private Map<String, Map<String, String>> telegram() {
    return Map.of(
        "telegram", Map.of("bot_token", "123:SECRET", "base_url", server.url("/").toString()));
  }

  @Test
  void telegram_send_message_posts_the_bot_api_shape() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .body(
                "{\"ok\":true,\"result\":{\"message_id\":77,\"chat\":{\"id\":123456},\"text\":\"Hello\"}}")
            .build());
    RunResult r =
        run(
            telegram(),
            TestWorkflow.create()
                .node("send", "TelegramSendMessageNode", "chat_id", "123456", "text", "Hello"));
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("send"))
        .containsEntry("message_id", 77L)
        .containsEntry("chat_id", 123456L);
    RecordedRequest req = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(req.getTarget()).isEqualTo("/bot123:SECRET/sendMessage");
    assertThat(JsonValues.MAPPER.readTree(req.getBody().utf8()))
        .isEqualTo(JsonValues.MAPPER.readTree("{\"chat_id\":\"123456\",\"text\":\"Hello\"}"));
  }

  @Test
  void a_telegram_refusal_names_the_reason_but_never_the_token() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(400)
            .body(
                "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}")
            .build());
    RunResult r =
        run(
            telegram(),
            TestWorkflow.create()
                .node("send", "TelegramSendMessageNode", "chat_id", "1", "text", "x"));
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.errorMessage())
        .isEqualTo("send: Telegram refused sendMessage: Bad Request: chat not found")
        .doesNotContain("SECRET");
  }

  @Test
  void a_photo_without_a_photo_is_a_clear_error_before_any_call() throws Exception {
    RunResult r =
        run(telegram(), TestWorkflow.create().node("p", "TelegramSendPhotoNode", "chat_id", "1"));
    assertThat(r.errorMessage()).isEqualTo("p: photo is required");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void whatsapp_sends_through_the_cloud_api_with_the_robots_token() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .body(
                "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"wa_id\":\"1234567890\"}],\"messages\":[{\"id\":\"wamid.ABC\"}]}")
            .build());
    RunResult r =
        run(
            Map.of(
                "whatsapp",
                Map.of(
                    "access_token", "EAAG-token",
                    "phone_number_id", "1055",
                    "base_url", server.url("/").toString())),
            TestWorkflow.create()
                .node("wa", "WhatsAppSendMessageNode", "to", "+1234567890", "message", "Hello"));
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("wa")).containsEntry("message_id", "wamid.ABC");
    RecordedRequest req = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(req.getTarget()).isEqualTo("/v21.0/1055/messages");
    assertThat(req.getHeaders().get("Authorization")).isEqualTo("Bearer EAAG-token");
    assertThat(JsonValues.MAPPER.readTree(req.getBody().utf8()))
        .isEqualTo(
            JsonValues.MAPPER.readTree(
                "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"+1234567890\","
                    + "\"type\":\"text\",\"text\":{\"body\":\"Hello\",\"preview_url\":false}}"));
  }
}
