package com.casarerpa.fleet.devstack.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.EphemeralStack;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The live log tail {@code robot-logs:<robot_id>}: sent by the database from stored lines on the
 * private topic, readable only by the robot's tenant (as the rows of robot_logs), never by the anon
 * key, and nobody can inject lines into it.
 */
class LiveLogTailTest {
  @RegisterExtension static final EphemeralStack stack = EphemeralStack.perClass();

  private static final UUID TENANT_A = UUID.randomUUID();
  private static final UUID TENANT_B = UUID.randomUUID();
  private static UUID robot;
  private static String robotKey;

  @BeforeAll
  static void robot() throws Exception {
    try (Connection c = stack.context().adminPool().getConnection();
        PreparedStatement create =
            c.prepareStatement("SELECT public.create_robot('tail-robot', p_tenant_id => ?)");
        PreparedStatement key =
            c.prepareStatement("SELECT public.create_robot_api_key(?::uuid, 'tail')")) {
      create.setObject(1, TENANT_A);
      try (ResultSet rs = create.executeQuery()) {
        rs.next();
        robot = (UUID) rs.getObject(1);
      }
      key.setObject(1, robot);
      try (ResultSet rs = key.executeQuery()) {
        rs.next();
        robotKey = rs.getString(1);
      }
    }
  }

  private static String userToken(UUID tenant) {
    return stack
        .context()
        .jwt()
        .sign(
            Map.of(
                "role",
                "authenticated",
                "sub",
                UUID.randomUUID().toString(),
                "tenant_id",
                tenant.toString(),
                "exp",
                Instant.now().plusSeconds(600).getEpochSecond()));
  }

  private static ObjectNode join(String token, boolean privateChannel) {
    ObjectNode payload = RealtimeProtocolTest.config(false, true, null);
    ((ObjectNode) payload.get("config")).put("private", privateChannel);
    if (token != null) {
      payload.put("access_token", token);
    }
    return payload;
  }

  private static RecordingSocket connect() {
    return RecordingSocket.connect(stack.url(), stack.anonKey(), "1.0.0");
  }

  private static int appendLog(String message) throws Exception {
    String body =
        "{\"p_logs\":[{\"id\":\""
            + UUID.randomUUID()
            + "\",\"seq\":1,\"ts\":\""
            + Instant.now()
            + "\",\"level\":\"INFO\",\"message\":\""
            + message
            + "\",\"source\":\"workflow\"}]}";
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(stack.url() + "/rest/v1/rpc/append_robot_logs"))
                    .header("apikey", stack.anonKey())
                    .header("x-robot-api-key", robotKey)
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Integer.parseInt(response.body().trim());
  }

  @Test
  void the_tenant_reads_the_tail_and_the_anon_key_and_other_tenants_do_not() throws Exception {
    String topic = "realtime:robot-logs:" + robot;
    try (RecordingSocket tenant = connect();
        RecordingSocket other = connect();
        RecordingSocket anon = connect();
        RecordingSocket anonPublic = connect()) {
      tenant.join(topic, join(userToken(TENANT_A), true));
      String refused = other.send(topic, "phx_join", join(userToken(TENANT_B), true), null);
      assertThat(other.awaitReply(topic, refused).at("/payload/response/reason").asText())
          .startsWith("Unauthorized: You do not have permissions to read");
      String anonJoin = anon.send(topic, "phx_join", join(null, true), null);
      assertThat(anon.awaitReply(topic, anonJoin).at("/payload/response/reason").asText())
          .startsWith("Unauthorized:");
      anonPublic.join(topic, join(null, false));

      assertThat(appendLog("secret of tenant A")).isEqualTo(1);

      JsonNode got = tenant.awaitEvent(topic, "broadcast");
      assertThat(got.at("/payload/event").asText()).isEqualTo("log");
      assertThat(got.at("/payload/payload/lines/0/message").asText())
          .isEqualTo("secret of tenant A");
      assertThat(got.at("/payload/payload/lines/0/seq").asLong()).isEqualTo(1);
      assertThat(
              anonPublic.receivesNothing(
                  m -> m.path("event").asText().equals("broadcast"), Duration.ofMillis(300)))
          .as("nothing on the public topic of the same name")
          .isTrue();
    }
  }

  @Test
  void nobody_can_inject_lines_into_the_tail() throws Exception {
    String topic = "realtime:robot-logs:" + robot;
    try (RecordingSocket viewer = connect();
        RecordingSocket forger = connect()) {
      viewer.join(topic, join(userToken(TENANT_A), true));
      String joinRef = forger.join(topic, join(userToken(TENANT_A), true));
      ObjectNode fake = RealtimeProtocolTest.broadcastPayload("log", "forged", true);
      forger.send(topic, "broadcast", fake, joinRef);
      String forged =
          "{\"messages\":[{\"topic\":\"robot-logs:"
              + robot
              + "\",\"event\":\"log\",\"payload\":{\"forged\":true},\"private\":true}]}";
      RestBroadcast.post(stack.url(), stack.anonKey(), userToken(TENANT_A), forged);
      RestBroadcast.post(stack.url(), stack.anonKey(), null, forged);

      assertThat(appendLog("real line")).isEqualTo(1);
      JsonNode got = viewer.awaitEvent(topic, "broadcast");
      assertThat(got.at("/payload/payload/lines/0/message").asText())
          .as("the first tail message is the stored line, no forged one before it")
          .isEqualTo("real line");
    }
  }
}
