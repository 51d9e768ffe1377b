package com.casarerpa.fleet.agent.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.support.FakePhoenixServer;
import com.casarerpa.fleet.agent.support.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RealtimeClientTest {
  private FakePhoenixServer server;
  private RealtimeClient client;

  @BeforeEach
  void start() throws Exception {
    server = new FakePhoenixServer();
    client =
        new RealtimeClient(
            SupabaseRest.httpClient(Duration.ofSeconds(2)),
            server.url(),
            TestKeys.ANON_KEY,
            Duration.ofMillis(300),
            new Backoff(Duration.ofMillis(20), Duration.ofMillis(100)));
  }

  @AfterEach
  void stop() {
    client.stop(Duration.ofSeconds(2));
    server.close();
  }

  @Test
  void connects_with_vsn_1_and_the_key_and_joins_with_the_presence_key() {
    RealtimeChannel fleet =
        client.channel("robot-fleet", ChannelOptions.presence("robot-1", false));
    client.start();

    await().until(fleet::isJoined);
    assertThat(server.requestTargets().getFirst())
        .startsWith("/realtime/v1/websocket?apikey=" + TestKeys.ANON_KEY)
        .endsWith("&vsn=1.0.0");
    JsonNode join = server.received("phx_join").getFirst().payload();
    assertThat(server.received("phx_join").getFirst().topic()).isEqualTo("realtime:robot-fleet");
    assertThat(join.path("config").path("presence").path("key").asText()).isEqualTo("robot-1");
    assertThat(join.path("access_token").asText()).isEqualTo(TestKeys.ANON_KEY);
  }

  @Test
  void broadcasts_reach_the_listener_of_their_event() {
    RealtimeChannel queue = client.channel("job-queue", ChannelOptions.BROADCAST);
    List<JsonNode> woken = new CopyOnWriteArrayList<>();
    queue.onBroadcast("job_queued", woken::add);
    client.start();
    await().until(queue::isJoined);

    server.broadcast(
        "realtime:job-queue", "job_queued", Json.MAPPER.createObjectNode().put("job_id", "j1"));
    server.broadcast("realtime:job-queue", "other", Json.MAPPER.createObjectNode());

    await().until(() -> woken.size() == 1);
    assertThat(woken.getFirst().path("job_id").asText()).isEqualTo("j1");
  }

  @Test
  void heartbeats_flow_and_a_missing_reply_reconnects_and_rejoins() {
    RealtimeChannel queue = client.channel("job-queue", ChannelOptions.BROADCAST);
    AtomicInteger joins = new AtomicInteger();
    queue.onJoined(joins::incrementAndGet);
    client.start();
    await().until(() -> server.received("heartbeat").size() >= 2);
    assertThat(server.connections()).isEqualTo(1);

    server.answerHeartbeats(false);

    await().until(() -> server.connections() >= 2);
    server.answerHeartbeats(true);
    await().until(() -> joins.get() >= 2 && queue.isJoined());
  }

  @Test
  void a_dropped_socket_is_reopened_and_presence_tracked_again() {
    RealtimeChannel fleet =
        client.channel("robot-fleet", ChannelOptions.presence("robot-1", false));
    fleet.track(Json.MAPPER.createObjectNode().put("status", "online"));
    client.start();
    await().until(() -> server.received("presence").size() == 1);

    server.dropAll();

    await().until(() -> server.connections() == 2 && server.received("presence").size() == 2);
    JsonNode retracked = server.received("presence").get(1).payload();
    assertThat(retracked.path("event").asText()).isEqualTo("track");
    assertThat(retracked.path("payload").path("status").asText()).isEqualTo("online");
  }

  @Test
  void a_refused_join_is_retried_until_it_succeeds() {
    server.refuseJoins(true);
    RealtimeChannel queue = client.channel("job-queue", ChannelOptions.BROADCAST);
    client.start();
    await().until(() -> server.received("phx_join").size() >= 1);
    assertThat(queue.isJoined()).isFalse();

    server.refuseJoins(false);

    await().atMost(Duration.ofSeconds(5)).until(queue::isJoined);
  }

  @Test
  void presence_of_viewers_is_counted_from_state_and_diffs() {
    RealtimeChannel logs = client.channel("robot-logs:r1", ChannelOptions.presence(null, true));
    List<Integer> counts = new CopyOnWriteArrayList<>();
    logs.onPresenceChange(counts::add);
    client.start();
    await().until(logs::isJoined);

    ObjectNode viewer = Json.MAPPER.createObjectNode();
    viewer
        .putObject("joins")
        .putObject("viewer-1")
        .putArray("metas")
        .addObject()
        .put("phx_ref", "a");
    viewer.putObject("leaves");
    server.pushToTopic("realtime:robot-logs:r1", "presence_diff", viewer);
    await().until(() -> logs.presenceCount() == 1);

    ObjectNode gone = Json.MAPPER.createObjectNode();
    gone.putObject("joins");
    gone.putObject("leaves")
        .putObject("viewer-1")
        .putArray("metas")
        .addObject()
        .put("phx_ref", "a");
    server.pushToTopic("realtime:robot-logs:r1", "presence_diff", gone);

    await().until(() -> logs.presenceCount() == 0);
    assertThat(counts).containsSubsequence(1, 0);
  }

  @Test
  void stop_leaves_every_channel() {
    RealtimeChannel fleet =
        client.channel("robot-fleet", ChannelOptions.presence("robot-1", false));
    client.start();
    await().until(fleet::isJoined);

    client.stop(Duration.ofSeconds(2));

    await().until(() -> server.received("phx_leave").size() == 1);
    assertThat(client.isConnected()).isFalse();
  }
}
