package com.casarerpa.fleet.devstack.realtime;

import static com.casarerpa.fleet.devstack.realtime.RecordingSocket.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.EphemeralStack;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The vsn 1.0.0 wire protocol, frame by frame, as the Java agent speaks it. */
class RealtimeProtocolTest {
  @RegisterExtension static final EphemeralStack stack = EphemeralStack.perClass();

  private static RecordingSocket connect() {
    return RecordingSocket.connect(stack.url(), stack.anonKey(), "1.0.0");
  }

  static ObjectNode config(boolean self, boolean ack, String presenceKey) {
    ObjectNode payload = JSON.createObjectNode();
    ObjectNode config = payload.putObject("config");
    config.putObject("broadcast").put("self", self).put("ack", ack);
    config
        .putObject("presence")
        .put("key", presenceKey == null ? "" : presenceKey)
        .put("enabled", presenceKey != null);
    config.putArray("postgres_changes");
    config.put("private", false);
    return payload;
  }

  static ObjectNode broadcastPayload(String event, String field, Object value) {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("type", "broadcast");
    payload.put("event", event);
    payload.putObject("payload").putPOJO(field, value);
    return payload;
  }

  @Test
  void heartbeat_is_answered_ok_with_the_same_ref() {
    try (RecordingSocket s = connect()) {
      s.sendRaw("{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":\"hb-7\"}");
      JsonNode reply = s.awaitReply("phoenix", "hb-7");
      assertThat(reply.get("payload").toString()).isEqualTo("{\"status\":\"ok\",\"response\":{}}");
      assertThat(reply.has("join_ref")).as("vsn 1.0.0 replies omit join_ref").isFalse();
    }
  }

  @Test
  void join_replies_ok_with_an_empty_postgres_changes_list() {
    try (RecordingSocket s = connect()) {
      String ref = s.send("realtime:room-1", "phx_join", config(false, false, null), null);
      JsonNode reply = s.awaitReply("realtime:room-1", ref);
      assertThat(reply.get("payload").toString())
          .isEqualTo("{\"status\":\"ok\",\"response\":{\"postgres_changes\":[]}}");
    }
  }

  @Test
  void broadcast_reaches_other_subscribers_but_not_the_sender_without_self() {
    try (RecordingSocket a = connect();
        RecordingSocket b = connect()) {
      String joinA = a.join("realtime:room-2", config(false, false, null));
      b.join("realtime:room-2", config(false, false, null));
      a.send("realtime:room-2", "broadcast", broadcastPayload("telemetry", "battery", 0.81), joinA);
      JsonNode got = b.awaitEvent("realtime:room-2", "broadcast");
      assertThat(got.get("payload").toString())
          .isEqualTo(
              "{\"type\":\"broadcast\",\"event\":\"telemetry\",\"payload\":{\"battery\":0.81}}");
      assertThat(got.get("ref").isNull()).isTrue();
      assertThat(
              a.receivesNothing(
                  m -> m.path("event").asText().equals("broadcast"), Duration.ofMillis(300)))
          .as("no self delivery without self=true")
          .isTrue();
    }
  }

  @Test
  void broadcast_with_self_and_ack_is_acknowledged_and_echoed() {
    try (RecordingSocket a = connect()) {
      String join = a.join("realtime:room-3", config(true, true, null));
      String ref = a.send("realtime:room-3", "broadcast", broadcastPayload("ping", "n", 1), join);
      assertThat(a.awaitReply("realtime:room-3", ref).at("/payload/status").asText())
          .isEqualTo("ok");
      assertThat(a.awaitEvent("realtime:room-3", "broadcast").at("/payload/payload/n").asInt())
          .isEqualTo(1);
    }
  }

  @Test
  void presence_track_sends_state_on_join_and_diffs_to_every_member() {
    try (RecordingSocket a = connect();
        RecordingSocket b = connect()) {
      String joinA = a.join("realtime:fleet", config(false, false, "robot-a"));
      a.awaitEvent("realtime:fleet", "presence_state");
      ObjectNode track = JSON.createObjectNode().put("type", "presence").put("event", "track");
      track.putObject("payload").put("status", "idle");
      String ref = a.send("realtime:fleet", "presence", track, joinA);
      assertThat(a.awaitReply("realtime:fleet", ref).at("/payload/status").asText())
          .isEqualTo("ok");
      JsonNode ownDiff = a.awaitEvent("realtime:fleet", "presence_diff");
      assertThat(ownDiff.at("/payload/joins/robot-a/metas/0/status").asText()).isEqualTo("idle");

      b.join("realtime:fleet", config(false, false, "robot-b"));
      JsonNode state = b.awaitEvent("realtime:fleet", "presence_state");
      assertThat(state.at("/payload/robot-a/metas/0/status").asText()).isEqualTo("idle");
      assertThat(state.at("/payload/robot-a/metas/0/phx_ref").asText()).isNotEmpty();

      track.putObject("payload").put("status", "busy");
      a.send("realtime:fleet", "presence", track, joinA);
      JsonNode update = b.awaitEvent("realtime:fleet", "presence_diff");
      assertThat(update.at("/payload/leaves/robot-a/metas/0/status").asText()).isEqualTo("idle");
      assertThat(update.at("/payload/joins/robot-a/metas/0/status").asText()).isEqualTo("busy");
      assertThat(update.at("/payload/joins/robot-a/metas/0/phx_ref_prev").asText())
          .isEqualTo(state.at("/payload/robot-a/metas/0/phx_ref").asText());

      a.send("realtime:fleet", "phx_leave", JSON.createObjectNode(), joinA);
      JsonNode leave = b.awaitEvent("realtime:fleet", "presence_diff");
      assertThat(leave.at("/payload/leaves/robot-a/metas/0/status").asText()).isEqualTo("busy");
    }
  }

  @Test
  void identical_retrack_sends_no_diff() {
    try (RecordingSocket a = connect()) {
      String join = a.join("realtime:fleet-2", config(false, false, "k"));
      ObjectNode track = JSON.createObjectNode().put("type", "presence").put("event", "track");
      track.putObject("payload").put("s", 1);
      a.send("realtime:fleet-2", "presence", track, join);
      a.awaitEvent("realtime:fleet-2", "presence_diff");
      a.send("realtime:fleet-2", "presence", track, join);
      assertThat(
              a.receivesNothing(
                  m -> m.path("event").asText().equals("presence_diff"), Duration.ofMillis(300)))
          .isTrue();
    }
  }

  @Test
  void leave_replies_ok_then_closes_the_join() {
    try (RecordingSocket a = connect()) {
      String join = a.join("realtime:room-4", config(false, false, null));
      String ref = a.send("realtime:room-4", "phx_leave", JSON.createObjectNode(), join);
      assertThat(a.awaitReply("realtime:room-4", ref).at("/payload/status").asText())
          .isEqualTo("ok");
      JsonNode close = a.awaitEvent("realtime:room-4", "phx_close");
      assertThat(close.get("ref").asText()).isEqualTo(join);
    }
  }

  @Test
  void duplicate_join_closes_the_old_join_ref_and_joins_again() {
    try (RecordingSocket a = connect()) {
      String first = a.join("realtime:room-5", config(false, false, null));
      String second = a.send("realtime:room-5", "phx_join", config(false, false, null), null);
      JsonNode close = a.awaitEvent("realtime:room-5", "phx_close");
      assertThat(close.get("ref").asText()).isEqualTo(first);
      assertThat(a.awaitReply("realtime:room-5", second).at("/payload/status").asText())
          .isEqualTo("ok");
    }
  }

  @Test
  void messages_with_a_stale_join_ref_are_ignored() {
    try (RecordingSocket a = connect()) {
      a.join("realtime:room-6", config(true, true, null));
      String ref =
          a.send("realtime:room-6", "broadcast", broadcastPayload("x", "n", 1), "not-the-join-ref");
      assertThat(a.receivesNothing(m -> m.path("ref").asText().equals(ref), Duration.ofMillis(300)))
          .isTrue();
    }
  }

  @Test
  void rest_broadcast_is_accepted_and_delivered_with_its_id() throws Exception {
    try (RecordingSocket a = connect()) {
      a.join("realtime:robot-42", config(false, false, null));
      int status =
          RestBroadcast.post(
                  stack.url(),
                  stack.anonKey(),
                  "{\"messages\":[{\"topic\":\"robot-42\",\"event\":\"command\",\"payload\":{\"cmd\":\"stop\"},\"private\":false,\"id\":\"m-1\"}]}")
              .status();
      assertThat(status).isEqualTo(202);
      JsonNode got = a.awaitEvent("realtime:robot-42", "broadcast");
      assertThat(got.get("payload").toString())
          .isEqualTo(
              "{\"type\":\"broadcast\",\"event\":\"command\",\"payload\":{\"cmd\":\"stop\"},\"meta\":{\"id\":\"m-1\"}}");
    }
  }

  @Test
  void rest_broadcast_needs_a_key_and_a_valid_token_and_an_event() throws Exception {
    RestBroadcast.Answer noKey = RestBroadcast.post(stack.url(), null, "{\"messages\":[]}");
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.body()).contains("\"message\":\"No API key found in request\"");
    RestBroadcast.Answer badToken =
        RestBroadcast.post(stack.url(), stack.anonKey(), "not-a-jwt", "{\"messages\":[]}");
    assertThat(badToken.status()).isEqualTo(401);
    assertThat(badToken.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
    RestBroadcast.Answer noEvent =
        RestBroadcast.post(
            stack.url(), stack.anonKey(), "{\"messages\":[{\"topic\":\"t\",\"payload\":{}}]}");
    assertThat(noEvent.status()).isEqualTo(422);
    assertThat(noEvent.body())
        .isEqualTo("{\"errors\":{\"messages\":[{\"event\":[\"can't be blank\"]}]}}");
  }
}
