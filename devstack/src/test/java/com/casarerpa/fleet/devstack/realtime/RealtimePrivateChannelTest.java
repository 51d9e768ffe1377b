package com.casarerpa.fleet.devstack.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.db.MigrationRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Private channels: RLS on realtime.messages decides who may join and send. */
class RealtimePrivateChannelTest {
  private static LocalStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(StackSettings.ephemeral());
    MigrationRunner runner = new MigrationRunner(stack.context().adminPool());
    try (Stream<Path> files = Files.list(Path.of("src", "test", "js", "sql"))) {
      for (Path sql :
          files
              .filter(p -> p.getFileName().toString().startsWith("20_realtime_"))
              .sorted()
              .toList()) {
        runner.execute(sql.getFileName().toString(), Files.readString(sql));
      }
    }
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

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
}
