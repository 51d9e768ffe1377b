package com.casarerpa.fleet.devstack.realtime;

import static com.casarerpa.fleet.devstack.realtime.RealtimeProtocolTest.broadcastPayload;
import static com.casarerpa.fleet.devstack.realtime.RealtimeProtocolTest.config;
import static com.casarerpa.fleet.devstack.realtime.RecordingSocket.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.devstack.EphemeralStack;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tenant and channel limits with Supabase's texts. The rates are minute averages, as in Supabase,
 * so the limits are set very low; the join-rate test runs last because it uses the rate up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealtimeLimitsTest {
  private static final Map<String, String> PROPERTIES =
      Map.of(
          "presence-max-calls", "2",
          "max-events-per-second", "1",
          "max-joins-per-second", "2");

  @RegisterExtension
  static final EphemeralStack stack =
      EphemeralStack.perClass().withStartProperties(RealtimeSettings.PROPERTY_PREFIX, PROPERTIES);

  private static RecordingSocket connect() {
    return RecordingSocket.connect(stack.url(), stack.anonKey(), "1.0.0");
  }

  @Test
  @Order(1)
  void a_third_presence_call_within_the_window_closes_the_channel() {
    try (RecordingSocket s = connect()) {
      String join = s.join("realtime:chatty", config(false, false, "k"));
      for (int i = 0; i < 2; i++) {
        ObjectNode track = JSON.createObjectNode().put("type", "presence").put("event", "track");
        track.putObject("payload").put("i", i);
        s.awaitReply("realtime:chatty", s.send("realtime:chatty", "presence", track, join));
      }
      ObjectNode untrack = JSON.createObjectNode().put("type", "presence").put("event", "untrack");
      s.send("realtime:chatty", "presence", untrack, join);
      JsonNode system = s.await(m -> m.path("event").asText().equals("system"));
      assertThat(system.at("/payload/message").asText())
          .isEqualTo("Client presence rate limit exceeded");
      assertThat(s.awaitEvent("realtime:chatty", "phx_close").get("ref").asText()).isEqualTo(join);
    }
  }

  @Test
  @Order(2)
  void broadcasting_over_the_events_rate_closes_the_sending_channel() {
    try (RecordingSocket s = connect()) {
      String join = s.join("realtime:flood", config(false, true, null));
      JsonNode system = null;
      for (int i = 0; i < 200 && system == null; i++) {
        String ref = s.send("realtime:flood", "broadcast", broadcastPayload("e", "i", i), join);
        JsonNode answer =
            s.await(
                m ->
                    m.path("event").asText().equals("system")
                        || m.path("ref").asText().equals(ref));
        system = answer.path("event").asText().equals("system") ? answer : null;
      }
      assertThat(system).as("a system error within 200 broadcasts at 1 event/s").isNotNull();
      assertThat(system.at("/payload/message").asText()).isEqualTo("Too many messages per second");
      s.awaitEvent("realtime:flood", "phx_close");
    }
  }

  @Test
  @Order(3)
  void joining_over_the_joins_rate_is_refused_and_disconnects() {
    try (RecordingSocket s = connect()) {
      JsonNode refusal = null;
      for (int i = 0; i < 300 && refusal == null; i++) {
        String ref = s.send("realtime:hop", "phx_join", config(false, false, null), null);
        JsonNode reply = s.awaitReply("realtime:hop", ref);
        if (reply.at("/payload/status").asText().equals("error")) {
          refusal = reply;
        } else {
          s.awaitReply(
              "realtime:hop", s.send("realtime:hop", "phx_leave", JSON.createObjectNode(), ref));
        }
      }
      assertThat(refusal).as("a refused join within 300 joins at 2 joins/s").isNotNull();
      assertThat(refusal.at("/payload/response/reason").asText())
          .isEqualTo("ClientJoinRateLimitReached: Too many joins per second");
      await().atMost(Duration.ofSeconds(5)).until(() -> s.closedWith.isDone());
      assertThat(s.closedWith.join()).isEqualTo(1001);
    }
  }
}
