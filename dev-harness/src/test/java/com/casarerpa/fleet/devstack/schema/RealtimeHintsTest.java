package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The database's wake-up and cancel hints, through the local platform's realtime.send. */
class RealtimeHintsTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  private static List<Map<String, Object>> messages(String topic, String event) throws Exception {
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    try (var c = db.admin().getConnection();
        var s =
            c.prepareStatement(
                "SELECT payload::text, private FROM realtime.messages"
                    + " WHERE topic = ? AND event = ? ORDER BY id")) {
      s.setString(1, topic);
      s.setString(2, event);
      try (var rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(Map.of("payload", rs.getString(1), "private", rs.getBoolean(2)));
        }
      }
    }
    return rows;
  }

  @Test
  void a_queued_job_wakes_the_fleet_on_job_queue() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID jobId =
        fleet.enqueue(
            fleet.workflow(),
            "p_priority",
            17,
            "p_environment",
            "prod",
            "p_required_capabilities",
            List.of("browser"));
    JsonNode payload = payloadFor(messages("job-queue", "job_queued"), jobId);
    assertThat(payload.get("priority").asInt()).isEqualTo(17);
    assertThat(payload.get("environment").asText()).isEqualTo("prod");
    assertThat(payload.get("required_capabilities").get(0).asText()).isEqualTo("browser");
    assertThat(payload.size())
        .as("a hint, no secrets: four fields and the id realtime.send adds")
        .isEqualTo(5);
    assertThat(java.util.UUID.fromString(payload.get("id").asText())).isNotNull();
  }

  @Test
  void realtime_send_swallows_a_failure_as_hosted_does_and_the_write_commits() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID workflow = fleet.workflow();
    try (java.sql.Connection c = db.admin().getConnection()) {
      c.setAutoCommit(false);
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("SELECT realtime.send('{\"n\": 1}'::jsonb, 'e', NULL, false)");
        assertThat(s.getWarnings().getMessage()).contains("ErrorSendingBroadcastMessage");
        s.execute(
            "UPDATE workflows SET description = 'still here' WHERE workflow_id = '"
                + workflow
                + "'");
      }
      c.commit();
    }
    assertThat(db.value("SELECT description FROM workflows WHERE workflow_id = ?", workflow))
        .isEqualTo("still here");
  }

  @Test
  void a_job_scheduled_for_later_sends_no_wake_up_yet() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID jobId =
        fleet.enqueue(
            fleet.workflow(), "p_scheduled_time", OffsetDateTime.now().plusHours(1).toString());
    assertThat(messages("job-queue", "job_queued").toString()).doesNotContain(jobId.toString());
  }

  @Test
  void cancelling_a_running_job_hints_its_robot() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow());
    robot.start(robot.claimOne());
    fleet.operator.rpc("cancel_job", "p_job_id", jobId);
    List<Map<String, Object>> sent = messages("robot:" + robot.id, "cancel_job");
    assertThat(sent).hasSize(1);
    assertThat(payloadFor(sent, jobId).size()).as("job_id and the added id").isEqualTo(2);
    assertThat(sent.get(0).get("private")).isEqualTo(false);
  }

  private static JsonNode payloadFor(List<Map<String, Object>> messages, UUID jobId)
      throws Exception {
    for (Map<String, Object> message : messages) {
      JsonNode payload = Postgrest.JSON.readTree((String) message.get("payload"));
      if (payload.get("job_id").asText().equals(jobId.toString())) {
        return payload;
      }
    }
    throw new AssertionError("no message for job " + jobId + " in " + messages);
  }
}
