package com.casarerpa.fleet.devstack.schema;

import static com.casarerpa.fleet.devstack.schema.Refusals.UNAUTHORIZED;
import static com.casarerpa.fleet.devstack.schema.Refusals.refusedWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RobotAuthTest {
  private static final String JOB = UUID.randomUUID().toString();
  private static final String TOKEN = UUID.randomUUID().toString();

  /** Every robot RPC with arguments that would be valid for a robot holding the job. */
  private static final List<Object[]> ROBOT_CALLS =
      List.of(
          new Object[] {"robot_register", "p_hostname", "h"},
          new Object[] {"robot_heartbeat"},
          new Object[] {"claim_jobs", "p_limit", 1},
          new Object[] {"start_job", "p_job_id", JOB, "p_claim_token", TOKEN},
          new Object[] {
            "report_job_progress", "p_job_id", JOB, "p_claim_token", TOKEN, "p_progress", 1
          },
          new Object[] {"complete_job", "p_job_id", JOB, "p_claim_token", TOKEN},
          new Object[] {
            "fail_job", "p_job_id", JOB, "p_claim_token", TOKEN, "p_error_message", "x"
          },
          new Object[] {"release_job", "p_job_id", JOB, "p_claim_token", TOKEN},
          new Object[] {"finish_cancelled_job", "p_job_id", JOB, "p_claim_token", TOKEN},
          new Object[] {"append_robot_logs", "p_logs", List.of()},
          new Object[] {"robot_offline"},
          new Object[] {"robot_fleet_maintenance"});

  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  private static void assertEveryRobotCallRefused(Postgrest.Session caller, String expected) {
    for (Object[] call : ROBOT_CALLS) {
      String function = (String) call[0];
      Object[] args = java.util.Arrays.copyOfRange(call, 1, call.length);
      String message = refusedWith(UNAUTHORIZED, () -> caller.rpc(function, args));
      assertThat(message).as(function).contains(expected);
    }
  }

  @Test
  void every_robot_rpc_refuses_a_call_without_a_key() {
    assertEveryRobotCallRefused(db.postgrest().anon(), "missing robot API key");
  }

  @Test
  void every_robot_rpc_refuses_a_malformed_key() {
    assertEveryRobotCallRefused(db.postgrest().robot("not-a-key"), "malformed");
  }

  @Test
  void every_robot_rpc_refuses_an_unknown_key() {
    String unknown = "crpa_" + "A".repeat(43);
    assertEveryRobotCallRefused(db.postgrest().robot(unknown), "unknown robot API key");
  }

  @Test
  void every_robot_rpc_refuses_a_revoked_key() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID keyId = keyId(robot.key);
    fleet.operator.rpc("revoke_robot_api_key", "p_key_id", keyId, "p_reason", "stolen laptop");
    assertEveryRobotCallRefused(robot.session, "revoked");
    assertThat(
            db.count(
                "SELECT count(*) FROM robot_api_key_audit WHERE api_key_id = ? AND event_type = 'revoked'",
                keyId))
        .isEqualTo(1);
  }

  @Test
  void every_robot_rpc_refuses_an_expired_key() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    db.execute(
        "UPDATE robot_api_keys SET expires_at = now() - interval '1 second' WHERE id = ?",
        keyId(robot.key));
    assertEveryRobotCallRefused(robot.session, "expired");
  }

  @Test
  void a_new_key_is_crpa_plus_43_base64url_characters_and_only_its_sha256_is_stored()
      throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    assertThat(robot.key).matches("crpa_[A-Za-z0-9_-]{43}").hasSize(48);
    String stored =
        (String) db.value("SELECT api_key_hash FROM robot_api_keys WHERE robot_id = ?", robot.id);
    assertThat(stored).isEqualTo(sha256Hex(robot.key));
    assertThat(
            db.count(
                "SELECT count(*) FROM robot_api_key_audit WHERE robot_id = ? AND event_type = 'created'"
                    + " AND details->>'key_prefix' = ?",
                robot.id,
                robot.key.substring(0, 8)))
        .isEqualTo(1);
  }

  @Test
  void a_key_acts_only_as_its_own_robot() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot a = fleet.robot("default", List.of(), 1);
    TestRobot b = fleet.unregisteredRobot();
    JsonNode registered = a.register("prod", List.of("x"), 3);
    assertThat(registered.at("/robot/robot_id").asText()).isEqualTo(a.id.toString());
    assertThat(fleet.robotStatus(b.id)).isEqualTo("offline");
    assertThat(db.value("SELECT environment FROM robots WHERE robot_id = ?", b.id))
        .isEqualTo("default");
  }

  @Test
  void last_used_is_recorded_at_most_once_a_minute_with_the_forwarded_client_address()
      throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID keyId = keyId(robot.key);
    assertThat(db.value("SELECT host(last_used_ip) FROM robot_api_keys WHERE id = ?", keyId))
        .isEqualTo("203.0.113.7");
    db.execute(
        "UPDATE robot_api_keys SET last_used_at = now() - interval '30 seconds' WHERE id = ?",
        keyId);
    robot.heartbeat();
    assertThat(
            db.value(
                "SELECT last_used_at < now() - interval '29 seconds' FROM robot_api_keys WHERE id = ?",
                keyId))
        .isEqualTo(true);
    db.execute(
        "UPDATE robot_api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = ?",
        keyId);
    robot.heartbeat();
    assertThat(
            db.value(
                "SELECT last_used_at > now() - interval '10 seconds' FROM robot_api_keys WHERE id = ?",
                keyId))
        .isEqualTo(true);
  }

  @Test
  void refused_calls_leave_one_rate_limited_audit_row_per_maintenance_run() throws Exception {
    Fleet fleet = new Fleet(db);
    fleet.maintenance();
    long before =
        db.count("SELECT count(*) FROM robot_api_key_audit WHERE event_type = 'auth_failure'");
    Postgrest.Session stranger = db.postgrest().robot("crpa_" + "B".repeat(43));
    for (int i = 0; i < 25; i++) {
      refusedWith(UNAUTHORIZED, () -> stranger.rpc("claim_jobs", "p_limit", 1));
    }
    fleet.maintenance();
    fleet.maintenance();
    assertThat(
            db.count("SELECT count(*) FROM robot_api_key_audit WHERE event_type = 'auth_failure'"))
        .isEqualTo(before + 1);
    assertThat(
            db.value(
                "SELECT (details->>'refused_calls')::int FROM robot_api_key_audit"
                    + " WHERE event_type = 'auth_failure' ORDER BY event_time DESC LIMIT 1"))
        .isEqualTo(25);
  }

  @Test
  void validate_api_key_hash_reports_valid_revoked_and_expired_keys() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot valid = fleet.robot();
    TestRobot revoked = fleet.robot();
    TestRobot expired = fleet.robot();
    fleet.operator.rpc("revoke_robot_api_key", "p_key_id", keyId(revoked.key));
    db.execute(
        "UPDATE robot_api_keys SET expires_at = now() - interval '1 day' WHERE id = ?",
        keyId(expired.key));
    assertThat(validate(fleet, valid.key).get("reason").asText()).isEqualTo("valid");
    assertThat(validate(fleet, valid.key).get("robot_id").asText()).isEqualTo(valid.id.toString());
    assertThat(validate(fleet, revoked.key).get("reason").asText()).isEqualTo("revoked");
    assertThat(validate(fleet, expired.key).get("is_valid").asBoolean()).isFalse();
    assertThat(validate(fleet, expired.key).get("reason").asText()).isEqualTo("expired");
    assertThat(
            fleet.operator.rpc("validate_api_key_hash", "key_hash", sha256Hex("crpa_nope")).size())
        .isZero();

    fleet.operator.rpc(
        "update_api_key_last_used", "key_hash", sha256Hex(valid.key), "client_ip", "198.51.100.4");
    assertThat(
            db.value(
                "SELECT host(last_used_ip) FROM robot_api_keys WHERE id = ?", keyId(valid.key)))
        .isEqualTo("198.51.100.4");
  }

  private static JsonNode validate(Fleet fleet, String key) throws SQLException {
    return fleet.operator.rpc("validate_api_key_hash", "key_hash", sha256Hex(key)).get(0);
  }

  private static UUID keyId(String key) throws SQLException {
    return (UUID) db.value("SELECT id FROM robot_api_keys WHERE api_key_hash = ?", sha256Hex(key));
  }

  static String sha256Hex(String raw) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
