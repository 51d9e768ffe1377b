package com.casarerpa.fleet.devstack.realtime;

import static com.casarerpa.fleet.devstack.realtime.RecordingSocket.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.EphemeralStack;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * postgres_changes and database broadcasts at the frame level: filters, per-subscriber RLS and
 * column privileges, DELETE identity, subscription errors, and {@code realtime.send}.
 */
class RealtimeChangesTest {
  @RegisterExtension
  static final EphemeralStack stack =
      EphemeralStack.perClass()
          .withSqlFiles(EphemeralStack.JS_SQL_DIR, name -> name.startsWith("20_realtime_"));

  static void sql(String statement) throws SQLException {
    try (Connection c = stack.context().adminPool().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  static String userToken(String sub) {
    return stack
        .context()
        .jwt()
        .sign(
            Map.of(
                "role",
                "authenticated",
                "sub",
                sub,
                "exp",
                Instant.now().plusSeconds(600).getEpochSecond()));
  }

  static ObjectNode changesConfig(String token, String event, String table, String filter) {
    ObjectNode payload = RealtimeProtocolTest.config(false, false, null);
    ObjectNode spec =
        ((com.fasterxml.jackson.databind.node.ArrayNode) payload.at("/config/postgres_changes"))
            .addObject();
    spec.put("event", event).put("schema", "public").put("table", table);
    if (filter != null) {
      spec.put("filter", filter);
    }
    if (token != null) {
      payload.put("access_token", token);
    }
    return payload;
  }

  /** Joins and waits for "Subscribed to PostgreSQL"; returns the subscription id. */
  static int subscribe(RecordingSocket s, String topic, ObjectNode payload) {
    String ref = s.send(topic, "phx_join", payload, null);
    JsonNode reply = s.awaitReply(topic, ref);
    assertThat(reply.at("/payload/status").asText()).isEqualTo("ok");
    JsonNode system = s.awaitEvent(topic, "system");
    assertThat(system.at("/payload/message").asText())
        .as("system %s", system)
        .isEqualTo("Subscribed to PostgreSQL");
    return reply.at("/payload/response/postgres_changes/0/id").asInt();
  }

  static Predicate<JsonNode> change(String type, String field, String value) {
    return m ->
        m.path("event").asText().equals("postgres_changes")
            && m.at("/payload/data/type").asText().equals(type)
            && (field == null || m.at("/payload/data/" + field).asText().equals(value));
  }

  private static RecordingSocket connect() {
    return RecordingSocket.connect(stack.url(), stack.anonKey(), "1.0.0");
  }

  @Test
  void join_reply_echoes_each_spec_with_an_id_and_subscription_is_confirmed() {
    try (RecordingSocket s = connect()) {
      ObjectNode payload = changesConfig(null, "INSERT", "rt_items", "status=eq.new");
      String ref = s.send("realtime:echo", "phx_join", payload, null);
      JsonNode spec = s.awaitReply("realtime:echo", ref).at("/payload/response/postgres_changes/0");
      assertThat(spec.get("event").asText()).isEqualTo("INSERT");
      assertThat(spec.get("schema").asText()).isEqualTo("public");
      assertThat(spec.get("table").asText()).isEqualTo("rt_items");
      assertThat(spec.get("filter").asText()).isEqualTo("status=eq.new");
      assertThat(spec.get("id").isInt()).isTrue();
      JsonNode system = s.awaitEvent("realtime:echo", "system");
      assertThat(system.get("payload").toString())
          .isEqualTo(
              "{\"extension\":\"postgres_changes\",\"status\":\"ok\",\"message\":\"Subscribed to PostgreSQL\",\"channel\":\"echo\"}");
    }
  }

  @Test
  void owner_receives_insert_update_delete_matching_its_filter_and_others_receive_nothing()
      throws Exception {
    try (RecordingSocket alice = connect();
        RecordingSocket bob = connect();
        RecordingSocket anon = connect();
        RecordingSocket service =
            RecordingSocket.connect(stack.url(), stack.serviceRoleKey(), "1.0.0")) {
      int aliceId =
          subscribe(
              alice,
              "realtime:items-a",
              changesConfig(userToken("alice"), "*", "rt_items", "owner=eq.alice"));
      subscribe(bob, "realtime:items-b", changesConfig(userToken("bob"), "*", "rt_items", null));
      subscribe(anon, "realtime:items-anon", changesConfig(null, "*", "rt_items", null));
      subscribe(
          service,
          "realtime:items-s",
          changesConfig(null, "INSERT", "rt_items", "status=in.(new,queued)"));

      sql(
          "INSERT INTO public.rt_items (id, owner, status, secret) VALUES (1001, 'alice', 'new', 's3cret')");
      JsonNode insert = alice.await(change("INSERT", "record/id", "1001"));
      assertThat(insert.at("/payload/ids/0").asInt()).isEqualTo(aliceId);
      JsonNode data = insert.at("/payload/data");
      assertThat(data.get("schema").asText()).isEqualTo("public");
      assertThat(data.get("table").asText()).isEqualTo("rt_items");
      assertThat(data.get("commit_timestamp").asText())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(data.get("errors").isNull()).isTrue();
      assertThat(data.at("/record/owner").asText()).isEqualTo("alice");
      assertThat(data.at("/record/id").isNumber()).as("int8 stays a JSON number").isTrue();
      assertThat(data.get("record").has("secret"))
          .as("column without SELECT grant is left out")
          .isFalse();
      assertThat(data.get("columns").toString())
          .contains("{\"name\":\"id\",\"type\":\"int8\"}")
          .doesNotContain("secret");

      JsonNode serviceInsert = service.await(change("INSERT", "record/id", "1001"));
      assertThat(serviceInsert.at("/payload/data/record/secret").asText()).isEqualTo("s3cret");

      sql("UPDATE public.rt_items SET status = 'done' WHERE id = 1001");
      JsonNode update = alice.await(change("UPDATE", "record/status", "done"));
      assertThat(update.at("/payload/data/old_record").toString()).isEqualTo("{\"id\":1001}");

      sql("DELETE FROM public.rt_items WHERE id = 1001");
      JsonNode delete = anon.await(change("DELETE", null, null));
      assertThat(delete.at("/payload/data/old_record").toString())
          .as("DELETE under RLS carries only the primary key")
          .isEqualTo("{\"id\":1001}");
      assertThat(delete.at("/payload/data").has("record")).isFalse();

      assertThat(
              bob.receivesNothing(
                  change("INSERT", null, null).or(change("UPDATE", null, null)),
                  Duration.ofMillis(500)))
          .as("bob's RLS hides alice's row")
          .isTrue();
      assertThat(
              anon.receivesNothing(
                  change("INSERT", null, null).or(change("UPDATE", null, null)),
                  Duration.ofMillis(100)))
          .as("anon has no policy")
          .isTrue();
      assertThat(alice.receivesNothing(change("DELETE", null, null), Duration.ofMillis(100)))
          .as(
              "alice's filter is on owner, which a DELETE without REPLICA IDENTITY FULL does not carry")
          .isTrue();
    }
  }

  @Test
  void filters_compare_after_casting_to_the_column_type() throws Exception {
    try (RecordingSocket s =
        RecordingSocket.connect(stack.url(), stack.serviceRoleKey(), "1.0.0")) {
      subscribe(s, "realtime:typed", changesConfig(null, "INSERT", "rt_items", "id=gt.2000"));
      sql("INSERT INTO public.rt_items (id, owner) VALUES (999, 'x'), (2001, 'x')");
      assertThat(s.await(change("INSERT", null, null)).at("/payload/data/record/id").asLong())
          .isEqualTo(2001);
      assertThat(s.receivesNothing(change("INSERT", null, null), Duration.ofMillis(300))).isTrue();
    }
  }

  @Test
  void bad_filters_and_unpublished_tables_get_a_system_error_and_the_channel_stays_open() {
    try (RecordingSocket s = connect()) {
      String join =
          s.join("realtime:bad-filter", changesConfig(null, "*", "rt_items", "status=foo.hey"));
      assertThat(s.awaitEvent("realtime:bad-filter", "system").get("payload").toString())
          .isEqualTo(
              "{\"extension\":\"postgres_changes\",\"status\":\"error\",\"message\":\"Error parsing `filter` params: [\\\"foo\\\", \\\"hey\\\"]\",\"channel\":\"bad-filter\"}");
      s.join("realtime:unpublished", changesConfig(null, "*", "rt_unpublished", null));
      assertThat(s.awaitEvent("realtime:unpublished", "system").at("/payload/message").asText())
          .startsWith(
              "Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [event: *, schema: public, table: rt_unpublished");
      s.join("realtime:bad-column", changesConfig(null, "*", "rt_items", "nope=eq.1"));
      assertThat(s.awaitEvent("realtime:bad-column", "system").at("/payload/message").asText())
          .endsWith("invalid column for filter nope");
      ObjectNode payload = RealtimeProtocolTest.broadcastPayload("still", "open", true);
      String ref = s.send("realtime:bad-filter", "broadcast", payload, join);
      assertThat(
              s.receivesNothing(
                  m -> m.path("event").asText().equals("phx_close"), Duration.ofMillis(300)))
          .isTrue();
      assertThat(ref).isNotNull();
    }
  }

  @Test
  void a_table_without_primary_key_reports_error_400() throws Exception {
    try (RecordingSocket s =
        RecordingSocket.connect(stack.url(), stack.serviceRoleKey(), "1.0.0")) {
      subscribe(s, "realtime:nopk", changesConfig(null, "INSERT", "rt_no_pk", null));
      sql("INSERT INTO public.rt_no_pk (note) VALUES ('hello')");
      JsonNode event = s.await(change("INSERT", null, null));
      assertThat(event.at("/payload/data/errors").toString())
          .isEqualTo("[\"Error 400: Bad Request, no primary key\"]");
      assertThat(event.at("/payload/data").has("record")).isFalse();
    }
  }

  @Test
  void realtime_send_broadcasts_from_the_database_to_public_subscribers() throws Exception {
    try (RecordingSocket v1 = connect();
        RecordingSocket v2 = RecordingSocket.connect(stack.url(), stack.anonKey(), "2.0.0")) {
      v1.join("realtime:job-queue", RealtimeProtocolTest.config(false, false, null));
      String ref = "1";
      v2.sendRaw(
          "[\"1\",\""
              + ref
              + "\",\"realtime:job-queue\",\"phx_join\","
              + RealtimeProtocolTest.config(false, false, null)
              + "]");
      v2.await(m -> m.isArray() && m.get(3).asText().equals("phx_reply"));
      sql(
          "SELECT realtime.send('{\"job_id\":\"j-1\",\"priority\":5}'::jsonb, 'job_queued', 'job-queue', false)");
      JsonNode got = v1.awaitEvent("realtime:job-queue", "broadcast");
      assertThat(got.at("/payload/event").asText()).isEqualTo("job_queued");
      assertThat(got.at("/payload/payload/job_id").asText()).isEqualTo("j-1");
      assertThat(got.at("/payload/meta/id").asText()).isNotEmpty();
      byte[] frame = v2.awaitBinary();
      assertThat(frame[0]).as("kind 4 user broadcast").isEqualTo((byte) 4);
      String text = new String(frame, java.nio.charset.StandardCharsets.UTF_8);
      assertThat(text)
          .contains("realtime:job-queue")
          .contains("job_queued")
          .contains("\"job_id\":\"j-1\"")
          .contains("\"id\":");
    }
  }

  @Test
  void a_v2_binary_broadcast_reaches_v2_as_kind_4_and_v1_as_json() {
    try (RecordingSocket v1 = connect();
        RecordingSocket v2 = RecordingSocket.connect(stack.url(), stack.anonKey(), "2.0.0");
        RecordingSocket sender = RecordingSocket.connect(stack.url(), stack.anonKey(), "2.0.0")) {
      v1.join("realtime:mixed", RealtimeProtocolTest.config(false, false, null));
      for (RecordingSocket s : new RecordingSocket[] {v2, sender}) {
        s.sendRaw(
            "[\"1\",\"1\",\"realtime:mixed\",\"phx_join\","
                + RealtimeProtocolTest.config(false, false, null)
                + "]");
        s.await(m -> m.isArray() && m.get(3).asText().equals("phx_reply"));
      }
      byte[] topic = "realtime:mixed".getBytes();
      byte[] event = "telemetry".getBytes();
      byte[] payload = "{\"battery\":0.8}".getBytes();
      java.io.ByteArrayOutputStream push = new java.io.ByteArrayOutputStream();
      push.writeBytes(new byte[] {3, 1, 1, (byte) topic.length, (byte) event.length, 0, 1});
      push.writeBytes("19".getBytes());
      push.writeBytes(topic);
      push.writeBytes(event);
      push.writeBytes(payload);
      sender.sendBinary(push.toByteArray());
      JsonNode json = v1.awaitEvent("realtime:mixed", "broadcast");
      assertThat(json.get("payload").toString())
          .isEqualTo(
              "{\"type\":\"broadcast\",\"event\":\"telemetry\",\"payload\":{\"battery\":0.8}}");
      byte[] frame = v2.awaitBinary();
      java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
      expected.writeBytes(new byte[] {4, (byte) topic.length, (byte) event.length, 0, 1});
      expected.writeBytes(topic);
      expected.writeBytes(event);
      expected.writeBytes(payload);
      assertThat(frame).isEqualTo(expected.toByteArray());
      assertThat(JSON).isNotNull();
    }
  }

  @Test
  void a_queued_job_reaches_the_job_queue_hint_and_the_jobs_change_feed() throws Exception {
    try (RecordingSocket robot = connect();
        RecordingSocket operator =
            RecordingSocket.connect(stack.url(), stack.serviceRoleKey(), "1.0.0")) {
      robot.join("realtime:job-queue", RealtimeProtocolTest.config(false, false, null));
      subscribe(
          operator, "realtime:jobs", changesConfig(null, "INSERT", "jobs", "status=eq.queued"));
      sql(
          "INSERT INTO public.jobs (job_id, status, priority, environment) VALUES"
              + " ('00000000-0000-0000-0000-00000000c0de', 'queued', 7, 'default')");
      JsonNode hint = robot.awaitEvent("realtime:job-queue", "broadcast");
      assertThat(hint.at("/payload/event").asText()).isEqualTo("job_queued");
      assertThat(hint.at("/payload/payload/job_id").asText())
          .isEqualTo("00000000-0000-0000-0000-00000000c0de");
      assertThat(hint.at("/payload/payload/priority").asInt()).isEqualTo(7);
      JsonNode row = operator.await(change("INSERT", "table", "jobs"));
      assertThat(row.at("/payload/data/record/job_id").asText())
          .isEqualTo("00000000-0000-0000-0000-00000000c0de");
      assertThat(row.at("/payload/data/columns/0").toString())
          .isEqualTo("{\"name\":\"job_id\",\"type\":\"uuid\"}");
    }
  }

  @Test
  void the_database_listener_reconnects_and_delivers_what_was_sent_meanwhile() throws Exception {
    try (RecordingSocket s = connect()) {
      s.join("realtime:reconnect", RealtimeProtocolTest.config(false, false, null));
      sql(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE application_name = 'realtime-db-listener'");
      sql("SELECT realtime.send('{\"n\":1}'::jsonb, 'after-outage', 'reconnect', false)");
      JsonNode got = s.awaitEvent("realtime:reconnect", "broadcast");
      assertThat(got.at("/payload/event").asText()).isEqualTo("after-outage");
      sql("INSERT INTO public.rt_items (id, owner) VALUES (3001, 'after-outage')");
      try (RecordingSocket service =
          RecordingSocket.connect(stack.url(), stack.serviceRoleKey(), "1.0.0")) {
        subscribe(
            service, "realtime:after", changesConfig(null, "INSERT", "rt_items", "id=eq.3002"));
        sql("INSERT INTO public.rt_items (id, owner) VALUES (3002, 'after-outage')");
        assertThat(
                service.await(change("INSERT", null, null)).at("/payload/data/record/id").asInt())
            .isEqualTo(3002);
      }
    }
  }

  /**
   * Within one open transaction: how many changes of {@code table} the capture trigger wrote for an
   * insert (the feed's drain, in another session, cannot take them before the rollback).
   */
  private static long capturedInsideTransaction(String table, int id) throws SQLException {
    try (Connection c = stack.context().adminPool().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO public." + table + " (id) VALUES (" + id + ")");
        try (java.sql.ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM realtime_local.changes WHERE table_name = '" + table + "'")) {
          rs.next();
          return rs.getLong(1);
        }
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void only_tables_someone_subscribed_to_are_captured() throws Exception {
    sql("CREATE TABLE public.rt_watch (id int PRIMARY KEY)");
    sql("GRANT SELECT ON public.rt_watch TO service_role");
    sql("ALTER PUBLICATION supabase_realtime ADD TABLE public.rt_watch");
    // the feed adds its capture trigger to a new publication table within its 5 s reconcile
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              try (Connection c = stack.context().adminPool().getConnection();
                  Statement s = c.createStatement();
                  java.sql.ResultSet rs =
                      s.executeQuery(
                          "SELECT count(*) FROM pg_trigger WHERE tgname = 'realtime_local_capture'"
                              + " AND tgrelid = 'public.rt_watch'::regclass")) {
                rs.next();
                return rs.getLong(1) == 1;
              }
            });
    assertThat(capturedInsideTransaction("rt_watch", 1)).as("nobody subscribed").isZero();
    try (RecordingSocket service =
        RecordingSocket.connect(stack.url(), stack.serviceRoleKey(), "1.0.0")) {
      subscribe(service, "realtime:watch", changesConfig(null, "INSERT", "rt_watch", null));
      assertThat(capturedInsideTransaction("rt_watch", 2)).as("subscribed").isEqualTo(1);
      sql("INSERT INTO public.rt_watch (id) VALUES (3)");
      assertThat(service.await(change("INSERT", null, null)).at("/payload/data/record/id").asInt())
          .isEqualTo(3);
    }
  }
}
