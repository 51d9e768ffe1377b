package com.casarerpa.fleet.devstack.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * install/supabase/functions/job-notification under Deno, fired by the migration's database webhook
 * through the local stack's pg_net stand-in, delivering to a receiver on loopback.
 */
class JobNotificationFunctionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "receiver-shared-secret";

  record Received(String event, String signature, String delivery, String body) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private HttpServer receiver;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.add(
              new Received(
                  exchange.getRequestHeaders().getFirst("X-CasareRPA-Event"),
                  exchange.getRequestHeaders().getFirst("X-Casare-Signature"),
                  exchange.getRequestHeaders().getFirst("X-Casare-Delivery"),
                  body));
          int status = failuresLeft.getAndDecrement() > 0 ? 503 : 200;
          byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
  }

  private StackSettings settings(Path functions) throws IOException {
    Path fn = Files.createDirectories(functions.resolve("job-notification"));
    Files.copy(
        StackSettings.defaultFunctionsDirectory().resolve("job-notification").resolve("index.ts"),
        fn.resolve("index.ts"));
    Files.writeString(
        functions.resolve(".env"),
        String.join(
            "\n",
            "# the receiver of this test",
            "JOB_NOTIFICATION_WEBHOOK=http://127.0.0.1:"
                + receiver.getAddress().getPort()
                + "/hook",
            "NOTIFICATION_EVENTS=job_completed, job.failed",
            "JOB_NOTIFICATION_SECRET=\"" + SECRET + "\"",
            "JOB_NOTIFICATION_ATTEMPTS=4",
            "JOB_NOTIFICATION_BACKOFF_MS=50",
            ""));
    return StackSettings.ephemeral().withFunctionsDirectory(functions);
  }

  private static Connection database(LocalStack stack) throws SQLException {
    return stack.context().adminPool().getConnection();
  }

  private static UUID insertJob(Connection db) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery(
                "INSERT INTO jobs (status, workflow_name, metadata) VALUES ('queued', 'Invoices',"
                    + " '{\"owner\": \"finance\", \"notifications\": {\"job.started\": {\"success\":"
                    + " true}}}') RETURNING job_id")) {
      rs.next();
      return (UUID) rs.getObject(1);
    }
  }

  private static void setStatus(Connection db, UUID job, String status) throws SQLException {
    try (PreparedStatement s =
        db.prepareStatement(
            "UPDATE jobs SET status = ?, completed_at = now(), duration_ms = 1234 WHERE job_id = ?")) {
      s.setString(1, status);
      s.setObject(2, job);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
  }

  private static JsonNode metadata(Connection db, UUID job) throws Exception {
    try (PreparedStatement s =
        db.prepareStatement("SELECT metadata::text FROM jobs WHERE job_id = ?")) {
      s.setObject(1, job);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return JSON.readTree(rs.getString(1));
      }
    }
  }

  private static String hmac(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void a_completed_job_is_delivered_signed_after_two_failed_attempts_and_metadata_keeps_its_keys(
      @TempDir Path functions) throws Exception {
    assertThat(DenoLocator.locate()).as("deno from npm (devstack/src/test/js)").isPresent();
    failuresLeft.set(2);
    try (LocalStack stack = LocalStack.start(settings(functions));
        Connection db = database(stack)) {
      UUID job = insertJob(db);
      setStatus(db, job, "completed");

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(
                          metadata(db, job).at("/notifications/job.completed/success").asBoolean())
                      .isTrue());
      assertThat(received).as("two 503s, then the third attempt").hasSize(3);
      assertThat(received).extracting(Received::delivery).containsOnly(received.get(0).delivery());
      for (Received r : received) {
        assertThat(r.event()).isEqualTo("job.completed");
        assertThat(r.signature()).isEqualTo(hmac(r.body()));
      }
      JsonNode body = JSON.readTree(received.get(2).body());
      assertThat(body.get("event").asText()).isEqualTo("job.completed");
      assertThat(body.at("/job/id").asText()).isEqualTo(job.toString());
      assertThat(body.at("/job/workflow_name").asText()).isEqualTo("Invoices");
      assertThat(body.at("/job/duration_ms").asInt()).isEqualTo(1234);
      assertThat(body.get("previous_status").asText()).isEqualTo("queued");

      JsonNode meta = metadata(db, job);
      assertThat(meta.get("owner").asText()).as("other metadata keys kept").isEqualTo("finance");
      assertThat(meta.at("/notifications/job.started/success").asBoolean())
          .as("earlier notifications kept")
          .isTrue();
      assertThat(meta.at("/notifications/job.completed/attempts").asInt()).isEqualTo(3);
      assertThat(meta.at("/notifications/job.completed/status").asInt()).isEqualTo(200);

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                try (Statement s = db.createStatement();
                    ResultSet rs =
                        s.executeQuery(
                            "SELECT count(*) FILTER (WHERE status_code = 200) FROM"
                                + " net._http_response")) {
                  rs.next();
                  assertThat(rs.getLong(1))
                      .as("both webhook calls (INSERT, then UPDATE) answered 200, stored in net")
                      .isEqualTo(2);
                }
              });
    }
  }

  @Test
  void the_webhook_is_queued_by_the_transaction_and_sent_only_after_commit(@TempDir Path functions)
      throws Exception {
    try (LocalStack stack = LocalStack.start(settings(functions));
        Connection db = database(stack);
        Connection other = database(stack)) {
      UUID job = insertJob(db);
      db.setAutoCommit(false);
      setStatus(db, job, "failed");
      try (Statement s = other.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM net.http_request_queue WHERE"
                      + " convert_from(body, 'UTF8')::jsonb #>> '{record,status}' = 'failed'")) {
        rs.next();
        assertThat(rs.getLong(1))
            .as("the uncommitted status change is not visible to the sender")
            .isZero();
      }
      db.rollback();
      setStatus(db, job, "failed");
      db.commit();
      db.setAutoCommit(true);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(metadata(db, job).at("/notifications/job.failed/success").asBoolean())
                      .isTrue());
      assertThat(received)
          .as("one delivery: the rolled-back change sent nothing, job.created is not listed")
          .extracting(Received::event)
          .containsExactly("job.failed");
    }
  }
}
