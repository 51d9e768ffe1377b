package com.casarerpa.fleet.devstack.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.EphemeralStack;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Private channels: RLS on realtime.messages decides who may join and send. */
class RealtimePrivateChannelTest {
  @RegisterExtension
  static final EphemeralStack stack =
      EphemeralStack.perClass()
          .withSqlFiles(EphemeralStack.JS_SQL_DIR, name -> name.startsWith("20_realtime_"));

  private static String userToken(String sub) {
    return stack
        .context()
        .jwt()
        .sign(
            java.util.Map.of(
                "role",
                "authenticated",
                "sub",
                sub,
                "exp",
                java.time.Instant.now().plusSeconds(600).getEpochSecond()));
  }

  private static RecordingSocket connect() {
    return RecordingSocket.connect(stack.url(), stack.anonKey(), "1.0.0");
  }

  private static ObjectNode privateConfig(String token, boolean self) {
    ObjectNode payload = RealtimeProtocolTest.config(self, true, null);
    ((ObjectNode) payload.get("config")).put("private", true);
    if (token != null) {
      payload.put("access_token", token);
    }
    return payload;
  }

  @Test
  void only_the_owner_may_join_its_private_room() {
    try (RecordingSocket s = connect()) {
      s.join("realtime:room-alice", privateConfig(userToken("alice"), false));
      String bob =
          s.send("realtime:room-alice", "phx_join", privateConfig(userToken("bob"), false), null);
      assertThat(s.awaitReply("realtime:room-alice", bob).at("/payload/response/reason").asText())
          .isEqualTo(
              "Unauthorized: You do not have permissions to read from this Channel topic: room-alice");
      String anon = s.send("realtime:room-carol", "phx_join", privateConfig(null, false), null);
      assertThat(s.awaitReply("realtime:room-carol", anon).at("/payload/response/reason").asText())
          .startsWith("Unauthorized:");
    }
  }

  @Test
  void private_and_public_topics_of_one_name_are_apart_and_writes_need_a_policy() throws Exception {
    try (RecordingSocket owner = connect();
        RecordingSocket publicListener = connect();
        RecordingSocket privateListener = connect()) {
      String join = owner.join("realtime:room-dave", privateConfig(userToken("dave"), true));
      privateListener.join("realtime:room-dave", privateConfig(userToken("dave"), false));
      publicListener.join("realtime:room-dave", RealtimeProtocolTest.config(false, false, null));

      String ref =
          owner.send(
              "realtime:room-dave",
              "broadcast",
              RealtimeProtocolTest.broadcastPayload("secret", "n", 1),
              join);
      assertThat(owner.awaitReply("realtime:room-dave", ref).at("/payload/status").asText())
          .isEqualTo("ok");
      assertThat(
              privateListener
                  .awaitEvent("realtime:room-dave", "broadcast")
                  .at("/payload/payload/n")
                  .asInt())
          .isEqualTo(1);
      assertThat(
              publicListener.receivesNothing(
                  m -> m.path("event").asText().equals("broadcast"), Duration.ofMillis(300)))
          .isTrue();

      String forged =
          "{\"messages\":[{\"topic\":\"room-dave\",\"event\":\"secret\",\"payload\":{\"n\":2},\"private\":true}]}";
      assertThat(
              RestBroadcast.post(stack.url(), stack.anonKey(), userToken("mallory"), forged)
                  .status())
          .isEqualTo(202);
      assertThat(
              RestBroadcast.post(
                      stack.url(),
                      stack.anonKey(),
                      userToken("dave"),
                      forged.replace("\"n\":2", "\"n\":3"))
                  .status())
          .isEqualTo(202);
      JsonNode got = privateListener.awaitEvent("realtime:room-dave", "broadcast");
      assertThat(got.at("/payload/payload/n").asInt())
          .as("mallory's write was skipped")
          .isEqualTo(3);

      try (Connection c = stack.context().adminPool().getConnection();
          Statement st = c.createStatement()) {
        st.execute("SELECT realtime.send('{\"n\":4}'::jsonb, 'secret', 'room-dave', true)");
      }
      assertThat(
              privateListener
                  .awaitEvent("realtime:room-dave", "broadcast")
                  .at("/payload/payload/n")
                  .asInt())
          .isEqualTo(4);
      assertThat(
              publicListener.receivesNothing(
                  m -> m.path("event").asText().equals("broadcast"), Duration.ofMillis(300)))
          .isTrue();
    }
  }

  @Test
  void a_private_join_may_replay_stored_broadcasts_and_a_public_one_may_not() throws Exception {
    long since = System.currentTimeMillis() - 60_000;
    try (Connection c = stack.context().adminPool().getConnection();
        Statement st = c.createStatement()) {
      for (int n = 1; n <= 3; n++) {
        st.execute("SELECT realtime.send('{\"n\":" + n + "}'::jsonb, 'note', 'room-erin', true)");
      }
    }
    try (RecordingSocket s = connect()) {
      ObjectNode payload = privateConfig(userToken("erin"), false);
      ((ObjectNode) payload.at("/config/broadcast"))
          .putObject("replay")
          .put("since", since)
          .put("limit", 2);
      s.join("realtime:room-erin", payload);
      JsonNode first = s.awaitEvent("realtime:room-erin", "broadcast");
      JsonNode second = s.awaitEvent("realtime:room-erin", "broadcast");
      assertThat(first.at("/payload/payload/n").asInt())
          .as("the newest two, oldest first")
          .isEqualTo(2);
      assertThat(second.at("/payload/payload/n").asInt()).isEqualTo(3);
      assertThat(first.at("/payload/meta/replayed").asBoolean()).isTrue();
      assertThat(first.at("/payload/meta/id").asText()).isNotEmpty();

      ObjectNode publicReplay = RealtimeProtocolTest.config(false, false, null);
      ((ObjectNode) publicReplay.at("/config/broadcast")).putObject("replay").put("since", since);
      String ref = s.send("realtime:room-erin-public", "phx_join", publicReplay, null);
      assertThat(
              s.awaitReply("realtime:room-erin-public", ref)
                  .at("/payload/response/reason")
                  .asText())
          .isEqualTo("UnableToReplayMessages: Replay is not allowed for public channels");
    }
  }
}
