package com.casarerpa.fleet.devstack.schema;

import static com.casarerpa.fleet.devstack.schema.Refusals.BAD_ARGUMENT;
import static com.casarerpa.fleet.devstack.schema.Refusals.refusedWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RobotLogsTest {
  private static final DateTimeFormatter PARTITION = DateTimeFormatter.ofPattern("yyyy_MM_dd");
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  private static Map<String, Object> line(
      OffsetDateTime ts, long seq, String level, String message) {
    Map<String, Object> line = new HashMap<>();
    line.put("id", UUID.randomUUID().toString());
    line.put("seq", seq);
    line.put("ts", ts.toString());
    line.put("level", level);
    line.put("message", message);
    line.put("node_id", "n" + seq);
    return line;
  }

  private static int append(TestRobot robot, List<Map<String, Object>> lines) throws Exception {
    return robot.session.rpc("append_robot_logs", "p_logs", lines).asInt();
  }

  private static String partitionOf(UUID id) throws Exception {
    return (String) db.value("SELECT tableoid::regclass::text FROM robot_logs WHERE id = ?", id);
  }

  private static LocalDate todayUtc() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  @Test
  void a_batch_is_stored_once_even_when_it_is_replayed() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    fleet.enqueue(fleet.workflow());
    UUID job = TestRobot.jobId(robot.claimOne());
    List<Map<String, Object>> batch = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Map<String, Object> line = line(OffsetDateTime.now(), i, "INFO", "step " + i);
      line.put("job_id", job.toString());
      batch.add(line);
    }
    assertThat(append(robot, batch)).isEqualTo(3);
    assertThat(append(robot, batch)).isZero();
    assertThat(db.count("SELECT count(*) FROM robot_logs WHERE robot_id = ?", robot.id))
        .isEqualTo(3);
    assertThat(
            db.value(
                "SELECT tenant_id FROM robot_logs WHERE robot_id = ? AND job_id = ? LIMIT 1",
                robot.id,
                job))
        .isEqualTo(fleet.tenant);
  }

  @Test
  void level_aliases_are_normalised() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    Map<String, Object> warn = line(OffsetDateTime.now(), 1, "warn", "careful");
    Map<String, Object> odd = line(OffsetDateTime.now(), 2, "chatty", "what level?");
    append(robot, List.of(warn, odd));
    assertThat(db.value("SELECT level FROM robot_logs WHERE id = ?::uuid", warn.get("id")))
        .isEqualTo("WARNING");
    assertThat(db.value("SELECT level FROM robot_logs WHERE id = ?::uuid", odd.get("id")))
        .isEqualTo("INFO");
  }

  /** Stores a line as the superuser, bypassing append_robot_logs' checks; returns rows added. */
  private static int insertDirect(TestRobot robot, Map<String, Object> line) throws Exception {
    return db.execute(
        "INSERT INTO robot_logs (id, robot_id, \"timestamp\", level, message, seq)"
            + " VALUES (?::uuid, ?, ?::timestamptz, 'INFO', ?, ?) ON CONFLICT DO NOTHING",
        line.get("id"),
        robot.id,
        line.get("ts"),
        line.get("message"),
        line.get("seq"));
  }

  @Test
  void a_line_far_in_the_past_or_future_is_stored_in_the_default_partition() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    Map<String, Object> past =
        line(OffsetDateTime.of(2001, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), 1, "INFO", "old");
    Map<String, Object> future =
        line(OffsetDateTime.of(2099, 12, 31, 23, 0, 0, 0, ZoneOffset.UTC), 2, "INFO", "new");
    assertThat(insertDirect(robot, past) + insertDirect(robot, future)).isEqualTo(2);
    assertThat(partitionOf(UUID.fromString((String) past.get("id"))))
        .isEqualTo("robot_logs_default");
    assertThat(partitionOf(UUID.fromString((String) future.get("id"))))
        .isEqualTo("robot_logs_default");
  }

  @Test
  void a_robot_cannot_store_lines_that_are_never_purged_a_ts_far_off_is_clamped() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    Map<String, Object> infinity = line(OffsetDateTime.now(), 1, "INFO", "forever");
    infinity.put("ts", "infinity");
    Map<String, Object> far =
        line(OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), 2, "INFO", "far");
    Map<String, Object> ancient =
        line(OffsetDateTime.of(2001, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), 3, "INFO", "ancient");
    Map<String, Object> hourAgo = line(OffsetDateTime.now().minusHours(1), 4, "INFO", "recent");
    assertThat(append(robot, List.of(infinity, far, ancient, hourAgo))).isEqualTo(4);

    assertThat(
            db.count(
                "SELECT count(*) FROM robot_logs WHERE robot_id = ?"
                    + " AND \"timestamp\" <= now() + interval '1 day'"
                    + " AND \"timestamp\" >= now() - interval '30 days' - interval '1 minute'",
                robot.id))
        .isEqualTo(4);
    assertThat(
            (String)
                db.value(
                    "SELECT extra->>'sent_ts' FROM robot_logs WHERE id = ?::uuid", far.get("id")))
        .startsWith("9999-01-01");
    assertThat(
            db.value(
                "SELECT extra->>'sent_ts' FROM robot_logs WHERE id = ?::uuid", infinity.get("id")))
        .isEqualTo("infinity");
    assertThat(
            db.value(
                "SELECT extra->>'sent_ts' IS NOT NULL FROM robot_logs WHERE id = ?::uuid",
                hourAgo.get("id")))
        .as("a normal line is stored as sent")
        .isEqualTo(false);
    assertThat(append(robot, List.of(infinity, far, ancient, hourAgo)))
        .as("a replay of clamped lines stores nothing twice")
        .isZero();
  }

  @Test
  void a_line_names_only_a_job_the_robot_held_in_its_own_tenant() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    TestRobot neighbour = fleet.robot();
    Fleet otherTenant = new Fleet(db);
    TestRobot stranger = otherTenant.robot();
    fleet.enqueue(fleet.workflow());
    UUID neighboursJob = TestRobot.jobId(neighbour.claimOne());
    otherTenant.enqueue(otherTenant.workflow());
    UUID strangersJob = TestRobot.jobId(stranger.claimOne());
    fleet.enqueue(fleet.workflow());
    UUID ownJob = TestRobot.jobId(robot.claimOne());

    Map<String, Object> own = line(OffsetDateTime.now(), 1, "INFO", "mine");
    own.put("job_id", ownJob.toString());
    Map<String, Object> foreign = line(OffsetDateTime.now(), 2, "INFO", "into another tenant");
    foreign.put("job_id", strangersJob.toString());
    Map<String, Object> sibling = line(OffsetDateTime.now(), 3, "INFO", "into a neighbour's job");
    sibling.put("job_id", neighboursJob.toString());
    assertThat(append(robot, List.of(own, foreign, sibling))).isEqualTo(3);

    assertThat(db.count("SELECT count(*) FROM robot_logs WHERE job_id = ?", strangersJob)).isZero();
    assertThat(db.count("SELECT count(*) FROM robot_logs WHERE job_id = ?", neighboursJob))
        .isZero();
    assertThat(db.count("SELECT count(*) FROM robot_logs WHERE job_id = ?", ownJob)).isEqualTo(1);
    assertThat(
            db.value(
                "SELECT extra->>'unverified_job_id' FROM robot_logs WHERE id = ?::uuid",
                foreign.get("id")))
        .isEqualTo(strangersJob.toString());
  }

  @Test
  void a_line_with_negative_seq_unknown_source_or_oversized_parts_is_refused() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    Map<String, Object> negative = line(OffsetDateTime.now(), -1, "INFO", "x");
    assertThat(refusedWith(BAD_ARGUMENT, () -> append(robot, List.of(negative))))
        .contains("p_logs[0]")
        .contains("seq");
    Map<String, Object> source = line(OffsetDateTime.now(), 1, "INFO", "x");
    source.put("source", "operator-console");
    assertThat(refusedWith(BAD_ARGUMENT, () -> append(robot, List.of(source))))
        .contains("source must be");
    Map<String, Object> huge = line(OffsetDateTime.now(), 1, "INFO", "x".repeat(32_769));
    assertThat(
            refusedWith(
                BAD_ARGUMENT,
                () -> append(robot, List.of(line(OffsetDateTime.now(), 0, "INFO", "ok"), huge))))
        .contains("p_logs[1]")
        .contains("at most 32768");
    Map<String, Object> bigExtra = line(OffsetDateTime.now(), 1, "INFO", "x");
    bigExtra.put("extra", Map.of("blob", "y".repeat(16_400)));
    assertThat(refusedWith(BAD_ARGUMENT, () -> append(robot, List.of(bigExtra)))).contains("extra");
    assertThat(db.count("SELECT count(*) FROM robot_logs WHERE robot_id = ?", robot.id)).isZero();

    Map<String, Object> fits = line(OffsetDateTime.now(), 1, "INFO", "x".repeat(32_768));
    fits.put("source", "workflow");
    fits.put("extra", Map.of("k", "v"));
    assertThat(append(robot, List.of(fits))).isEqualTo(1);
  }

  @Test
  void partitions_are_kept_ahead_and_a_new_one_takes_over_its_days_rows_from_the_default()
      throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    fleet.maintenance();
    for (int day = -1; day <= 7; day++) {
      String name = "robot_logs_" + todayUtc().plusDays(day).format(PARTITION);
      assertThat(db.value("SELECT to_regclass(?)::text", "public." + name)).isEqualTo(name);
    }
    LocalDate later = todayUtc().plusDays(40);
    Map<String, Object> early =
        line(later.atTime(12, 0).atOffset(ZoneOffset.UTC), 1, "INFO", "ahead of its partition");
    insertDirect(robot, early);
    UUID id = UUID.fromString((String) early.get("id"));
    assertThat(partitionOf(id)).isEqualTo("robot_logs_default");

    JsonNode created =
        fleet.operator.rpc("create_robot_logs_partition", "target_date", later.toString());
    assertThat(created.asText()).contains("Created").contains("moved 1 rows");
    assertThat(partitionOf(id)).isEqualTo("robot_logs_" + later.format(PARTITION));
    assertThat(insertDirect(robot, early)).as("replay after the move").isZero();
    assertThat(
            db.value(
                "SELECT relrowsecurity FROM pg_class WHERE relname = ?",
                "robot_logs_" + later.format(PARTITION)))
        .isEqualTo(true);
    assertThat(
            db.value(
                "SELECT has_table_privilege('anon', ?, 'SELECT')",
                "public.robot_logs_" + later.format(PARTITION)))
        .isEqualTo(false);
  }

  @Test
  void retention_drops_old_partitions_and_purges_old_stragglers_and_a_dry_run_changes_nothing()
      throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    LocalDate old = todayUtc().minusDays(40);
    String oldPartition = "robot_logs_" + old.format(PARTITION);
    fleet.operator.rpc("create_robot_logs_partition", "target_date", old.toString());
    insertDirect(robot, line(old.atTime(8, 0).atOffset(ZoneOffset.UTC), 1, "INFO", "old day"));
    insertDirect(
        robot,
        line(OffsetDateTime.of(2002, 2, 2, 0, 0, 0, 0, ZoneOffset.UTC), 2, "INFO", "ancient"));
    append(robot, List.of(line(OffsetDateTime.now(), 3, "INFO", "today")));

    JsonNode dryRun =
        fleet.operator.rpc("drop_old_robot_logs_partitions", "retention_days", 30, "dry_run", true);
    assertThat(dryRun.findValuesAsText("action")).contains("WOULD_DROP");
    assertThat(dryRun.findValuesAsText("partition_name")).contains(oldPartition);
    assertThat(dryRun.toString()).contains("WOULD_PURGE");
    assertThat(db.count("SELECT count(*) FROM robot_logs WHERE robot_id = ?", robot.id))
        .isEqualTo(3);
    assertThat(db.value("SELECT to_regclass(?)::text", "public." + oldPartition)).isNotNull();

    JsonNode dropped = fleet.operator.rpc("drop_old_robot_logs_partitions", "retention_days", 30);
    assertThat(dropped.toString()).contains(oldPartition).contains("DROPPED").contains("PURGED");
    assertThat(db.value("SELECT to_regclass(?)::text", "public." + oldPartition)).isNull();
    assertThat(db.count("SELECT count(*) FROM robot_logs WHERE robot_id = ?", robot.id))
        .isEqualTo(1);
    assertThat(
            db.count(
                "SELECT count(*) FROM robot_logs_cleanup_history WHERE ? = ANY (partitions_dropped)",
                oldPartition))
        .isEqualTo(1);
  }

  @Test
  void query_robot_logs_filters_by_minimum_level() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    List<Map<String, Object>> lines = new ArrayList<>();
    String[] levels = {"TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};
    for (int i = 0; i < levels.length; i++) {
      lines.add(line(OffsetDateTime.now().minusSeconds(10 - i), i, levels[i], levels[i]));
    }
    append(robot, lines);
    assertThat(levels(fleet, robot, "WARNING")).containsExactly("CRITICAL", "ERROR", "WARNING");
    assertThat(levels(fleet, robot, "warn")).containsExactly("CRITICAL", "ERROR", "WARNING");
    assertThat(levels(fleet, robot, "TRACE")).hasSize(6);
    assertThat(levels(fleet, robot, "nonsense")).as("unknown means DEBUG").hasSize(5);
    assertThat(levels(fleet, robot, "CRITICAL")).containsExactly("CRITICAL");
  }

  private static List<String> levels(Fleet fleet, TestRobot robot, String minLevel)
      throws Exception {
    JsonNode rows =
        fleet.operator.rpc(
            "query_robot_logs",
            "p_tenant_id",
            fleet.tenant,
            "p_robot_id",
            robot.id,
            "p_min_level",
            minLevel);
    return rows.findValuesAsText("level");
  }

  @Test
  void bad_batches_are_refused_with_what_to_fix() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    List<Map<String, Object>> tooMany = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      tooMany.add(line(OffsetDateTime.now(), i, "INFO", "x"));
    }
    assertThat(refusedWith(BAD_ARGUMENT, () -> append(robot, tooMany))).contains("at most 1000");
    Map<String, Object> noId = line(OffsetDateTime.now(), 1, "INFO", "x");
    noId.remove("id");
    assertThat(
            refusedWith(
                BAD_ARGUMENT,
                () -> append(robot, List.of(line(OffsetDateTime.now(), 0, "INFO", "ok"), noId))))
        .contains("p_logs[1]");
    assertThat(append(robot, List.of())).isZero();
  }

  /**
   * The live tail is one message per call (its cost was a third of the function's): the call's last
   * 100 stored lines in order, how many it stored and their seq range; a replay stores nothing and
   * sends nothing.
   */
  @Test
  void a_call_sends_one_tail_message_with_its_last_100_lines_and_what_it_stored() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    List<Map<String, Object>> batch = new ArrayList<>();
    for (int i = 1; i <= 250; i++) {
      batch.add(line(OffsetDateTime.now(), i, "INFO", "tail " + i));
    }
    assertThat(append(robot, batch)).isEqualTo(250);
    assertThat(append(robot, batch)).isZero();

    String sql =
        "SELECT payload::text FROM realtime.messages WHERE topic = ? AND event = 'log'"
            + " AND private ORDER BY inserted_at";
    List<JsonNode> sent = new ArrayList<>();
    try (var c = db.admin().getConnection();
        var s = c.prepareStatement(sql)) {
      s.setString(1, "robot-logs:" + robot.id);
      try (var rs = s.executeQuery()) {
        while (rs.next()) {
          sent.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(rs.getString(1)));
        }
      }
    }
    assertThat(sent).hasSize(1);
    JsonNode tail = sent.getFirst();
    assertThat(tail.get("stored").asInt()).isEqualTo(250);
    assertThat(tail.get("first_seq").asLong()).isEqualTo(1);
    assertThat(tail.get("last_seq").asLong()).isEqualTo(250);
    assertThat(tail.get("lines").findValuesAsText("message"))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(151, 250).mapToObj(i -> "tail " + i).toList());
  }
}
