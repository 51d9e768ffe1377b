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
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input gets Supabase's answer and never takes the server down: malformed frames, unknown
 * topics, oversized payloads, bad tokens, limits, and clients that vanish.
 */
class RealtimeRobustnessTest {
  private static final Map<String, String> PROPERTIES =
      Map.of(
          "idle-timeout", "1500",
          "max-payload-bytes", "1024",
          "max-channels-per-client", "3",
          "no-channel-timeout", "1000");

  @RegisterExtension
  static final EphemeralStack stack =
      EphemeralStack.perClass().withStartProperties(RealtimeSettings.PROPERTY_PREFIX, PROPERTIES);

  private static RecordingSocket connect() {
    return RecordingSocket.connect(stack.url(), stack.anonKey(), "1.0.0");
  }

  private static String token(String role, Instant expiry) {
    return stack
        .context()
        .jwt()
        .sign(Map.of("role", role, "exp", expiry.getEpochSecond(), "sub", "user-1"));
  }

  private static void assertAlive(RecordingSocket s) {
    s.sendRaw("{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":\"alive\"}");
    assertThat(s.awaitReply("phoenix", "alive").at("/payload/status").asText()).isEqualTo("ok");
  }

  @Test
  void malformed_frames_are_dropped_and_the_socket_stays_open() {
    try (RecordingSocket s = connect()) {
      s.sendRaw("not json at all");
      s.sendRaw("[1,2,3]");
      s.sendRaw("{\"topic\":\"realtime:x\",\"event\":\"phx_join\",\"payload\":{}}");
      s.sendRaw("{\"topic\":5,\"event\":\"phx_join\",\"payload\":{},\"ref\":\"1\"}");
      s.sendBinary(new byte[] {3, 1, 2});
      assertAlive(s);
    }
  }

  @Test
  void topics_outside_realtime_and_pushes_to_unjoined_topics_get_unmatched_topic() {
    try (RecordingSocket s = connect()) {
      String join = s.send("lobby", "phx_join", config(false, false, null), null);
      assertThat(s.awaitReply("lobby", join).get("payload").toString())
          .isEqualTo("{\"status\":\"error\",\"response\":{\"reason\":\"unmatched topic\"}}");
      String push = s.send("realtime:nobody", "broadcast", broadcastPayload("e", "a", 1), null);
      assertThat(s.awaitReply("realtime:nobody", push).at("/payload/response/reason").asText())
          .isEqualTo("unmatched topic");
      String empty = s.send("realtime:", "phx_join", config(false, false, null), null);
      assertThat(s.awaitReply("realtime:", empty).at("/payload/response/reason").asText())
          .isEqualTo("TopicNameRequired: You must provide a topic name");
      assertAlive(s);
    }
  }

  @Test
  void oversized_broadcast_is_refused_with_ack_and_not_delivered() {
    try (RecordingSocket a = connect();
        RecordingSocket b = connect()) {
      String join = a.join("realtime:big", config(false, true, null));
      b.join("realtime:big", config(false, false, null));
      String ref =
          a.send(
              "realtime:big",
              "broadcast",
              broadcastPayload("blob", "data", "x".repeat(2000)),
              join);
      JsonNode reply = a.awaitReply("realtime:big", ref);
      assertThat(reply.get("payload").toString())
          .isEqualTo("{\"status\":\"error\",\"response\":\"payload_size_exceeded\"}");
      assertThat(
              b.receivesNothing(
                  m -> m.path("event").asText().equals("broadcast"), Duration.ofMillis(300)))
          .isTrue();
      assertAlive(a);
    }
  }

  @Test
  void oversized_presence_closes_the_channel_with_a_system_error() {
    try (RecordingSocket a = connect()) {
      String join = a.join("realtime:big-presence", config(false, false, "k"));
      ObjectNode track = JSON.createObjectNode().put("type", "presence").put("event", "track");
      track.putObject("payload").put("data", "x".repeat(2000));
      a.send("realtime:big-presence", "presence", track, join);
      JsonNode system = a.awaitEvent("realtime:big-presence", "system");
      assertThat(system.at("/payload/message").asText()).isEqualTo("Track message size exceeded");
      assertThat(a.awaitEvent("realtime:big-presence", "phx_close").get("ref").asText())
          .isEqualTo(join);
    }
  }

  @Test
  void presence_track_with_a_non_map_payload_is_an_error() {
    try (RecordingSocket a = connect()) {
      String join = a.join("realtime:bad-presence", config(false, false, "k"));
      ObjectNode track = JSON.createObjectNode().put("type", "presence").put("event", "track");
      track.put("payload", "not a map");
      String ref = a.send("realtime:bad-presence", "presence", track, join);
      assertThat(a.awaitReply("realtime:bad-presence", ref).at("/payload/response/reason").asText())
          .isEqualTo("Presence track payload must be a map");
    }
  }

  @Test
  void joins_beyond_the_channel_limit_are_refused() {
    try (RecordingSocket a = connect()) {
      for (int i = 0; i < 3; i++) {
        a.join("realtime:many-" + i, config(false, false, null));
      }
      String ref = a.send("realtime:many-3", "phx_join", config(false, false, null), null);
      assertThat(a.awaitReply("realtime:many-3", ref).at("/payload/response/reason").asText())
          .isEqualTo("ChannelRateLimitReached: Too many channels");
    }
  }

  @Test
  void a_bad_or_missing_key_is_refused_before_the_upgrade() {
    RecordingSocket.UpgradeFailed missing = RecordingSocket.refused(stack.url(), null);
    assertThat(missing.status).isEqualTo(401);
    assertThat(missing.body).isEqualTo("{\"error\":\"API key is missing\"}");
    RecordingSocket.UpgradeFailed garbage = RecordingSocket.refused(stack.url(), "garbage");
    assertThat(garbage.status).isEqualTo(401);
    assertThat(garbage.body).isEqualTo("{\"error\":\"The token provided is not a valid JWT\"}");
    String otherSecret =
        new com.casarerpa.fleet.devstack.auth.JwtCodec(
                "another-secret-with-at-least-32-characters!!", java.time.InstantSource.system())
            .sign(Map.of("role", "anon", "exp", Instant.now().plusSeconds(60).getEpochSecond()));
    RecordingSocket.UpgradeFailed forged = RecordingSocket.refused(stack.url(), otherSecret);
    assertThat(forged.body).isEqualTo("{\"error\":\"Failed to validate JWT signature\"}");
    RecordingSocket.UpgradeFailed expired =
        RecordingSocket.refused(stack.url(), token("anon", Instant.now().minusSeconds(30)));
    assertThat(expired.body).isEqualTo("{\"error\":\"Token has expired\"}");
  }

  @Test
  void a_join_with_a_bad_access_token_gets_the_supabase_reason() {
    try (RecordingSocket a = connect()) {
      ObjectNode payload = config(false, false, null);
      payload.put("access_token", token("authenticated", Instant.now().minusSeconds(12)));
      String ref = a.send("realtime:auth", "phx_join", payload, null);
      assertThat(a.awaitReply("realtime:auth", ref).at("/payload/response/reason").asText())
          .matches("InvalidJWTToken: Token has expired 1[2-9] seconds ago");
      ObjectNode noRole = config(false, false, null);
      noRole.put(
          "access_token",
          stack
              .context()
              .jwt()
              .sign(Map.of("exp", Instant.now().plusSeconds(60).getEpochSecond())));
      String ref2 = a.send("realtime:auth2", "phx_join", noRole, null);
      assertThat(a.awaitReply("realtime:auth2", ref2).at("/payload/response/reason").asText())
          .isEqualTo("InvalidJWTToken: Fields `role` and `exp` are required in JWT");
      ObjectNode garbage = config(false, false, null);
      garbage.put("access_token", "garbage");
      String ref3 = a.send("realtime:auth3", "phx_join", garbage, null);
      assertThat(a.awaitReply("realtime:auth3", ref3).at("/payload/response/reason").asText())
          .isEqualTo("MalformedJWT: The token provided is not a valid JWT");
      assertAlive(a);
    }
  }

  @Test
  void a_channel_whose_token_expires_is_closed_with_a_system_error() {
    try (RecordingSocket a = connect()) {
      ObjectNode payload = config(false, false, null);
      payload.put("access_token", token("authenticated", Instant.now().plusSeconds(2)));
      String join = a.join("realtime:expiring", payload);
      JsonNode system = a.awaitHeartbeating(m -> m.path("event").asText().equals("system"));
      assertThat(system.at("/payload/extension").asText()).isEqualTo("system");
      assertThat(system.at("/payload/status").asText()).isEqualTo("error");
      assertThat(system.at("/payload/message").asText())
          .matches("Token has expired \\d+ seconds ago");
      assertThat(system.at("/payload/channel").asText()).isEqualTo("expiring");
      assertThat(a.awaitEvent("realtime:expiring", "phx_close").get("ref").asText())
          .isEqualTo(join);
    }
  }

  @Test
  void a_refused_access_token_update_closes_the_channel() {
    try (RecordingSocket a = connect()) {
      String join = a.join("realtime:refresh", config(false, false, null));
      ObjectNode update = JSON.createObjectNode().put("access_token", "garbage");
      a.send("realtime:refresh", "access_token", update, join);
      assertThat(a.awaitEvent("realtime:refresh", "system").at("/payload/message").asText())
          .isEqualTo("The token provided is not a valid JWT");
      a.awaitEvent("realtime:refresh", "phx_close");
      assertAlive(a);
    }
  }

  @Test
  void a_vanished_client_leaves_presence_within_the_idle_timeout() {
    try (RecordingSocket watcher = connect();
        RecordingSocket ghost = connect()) {
      String ghostJoin = ghost.join("realtime:ghosts", config(false, false, "ghost"));
      ObjectNode track = JSON.createObjectNode().put("type", "presence").put("event", "track");
      track.putObject("payload").put("status", "idle");
      ghost.awaitReply(
          "realtime:ghosts", ghost.send("realtime:ghosts", "presence", track, ghostJoin));
      watcher.join("realtime:ghosts", config(false, false, "watcher"));
      assertThat(
              watcher
                  .awaitEvent("realtime:ghosts", "presence_state")
                  .at("/payload/ghost/metas/0/status")
                  .asText())
          .isEqualTo("idle");
      // the ghost stops sending (no heartbeats) but never closes its connection; the watcher
      // keeps heartbeating, so only the ghost goes idle
      Instant until = Instant.now().plusSeconds(8);
      JsonNode leave = null;
      while (leave == null && Instant.now().isBefore(until)) {
        assertAlive(watcher);
        try {
          leave =
              watcher
                  .awaitReceived(
                      r ->
                          r.json() != null
                              && r.json().path("event").asText().equals("presence_diff"),
                      Duration.ofMillis(300))
                  .json();
        } catch (AssertionError notYet) {
          leave = null;
        }
      }
      assertThat(leave).as("presence_diff with the ghost's leave").isNotNull();
      assertThat(leave.at("/payload/leaves/ghost/metas/0/status").asText()).isEqualTo("idle");
      await().atMost(Duration.ofSeconds(5)).until(() -> ghost.closedWith.isDone());
    }
  }

  @Test
  void the_key_may_come_in_the_x_api_key_header() {
    try (RecordingSocket s = RecordingSocket.connectWithHeader(stack.url(), stack.anonKey())) {
      assertAlive(s);
    }
  }

  @Test
  void a_socket_left_without_channels_is_closed() {
    try (RecordingSocket s = connect()) {
      String join = s.join("realtime:brief", config(false, false, null));
      s.awaitReply(
          "realtime:brief", s.send("realtime:brief", "phx_leave", JSON.createObjectNode(), join));
      // heartbeats keep the socket from going idle: only the no-channel timeout may close it
      await()
          .atMost(Duration.ofSeconds(8))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                s.sendRaw(
                    "{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":\"hb\"}");
                return s.closedWith.isDone();
              });
      assertThat(s.closedWith).isCompletedWithValue(1000);
    }
  }
}
