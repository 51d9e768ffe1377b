package com.casarerpa.fleet.devstack.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.EphemeralStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RequestSettings} on a plain JDBC connection: what a REST request's transaction sees. */
class RequestSettingsTest {
  @RegisterExtension static final EphemeralStack stack = EphemeralStack.perClass();

  @Test
  void a_connection_set_up_as_an_anon_request_sees_the_role_claims_request_and_role_settings()
      throws SQLException {
    RequestSettings anon =
        new RequestSettings(
            "anon",
            "{\"role\":\"anon\",\"iss\":\"supabase\"}",
            "POST",
            "/rpc/robot_heartbeat",
            "{\"x-robot-api-key\":\"crpa_x\"}",
            "{}");
    try (Connection c = stack.get().context().apiPool().getConnection()) {
      c.setAutoCommit(false);
      anon.applyTo(c);
      try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT current_user, current_setting('search_path'),"
                      + " current_setting('request.jwt.claims')::jsonb ->> 'role',"
                      + " current_setting('request.method'), current_setting('request.path'),"
                      + " current_setting('request.headers')::jsonb ->> 'x-robot-api-key',"
                      + " current_setting('request.cookies'),"
                      + " current_setting('statement_timeout')");
          ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("anon");
        assertThat(rs.getString(2)).isEqualTo(RequestSettings.SEARCH_PATH);
        assertThat(rs.getString(3)).isEqualTo("anon");
        assertThat(rs.getString(4)).isEqualTo("POST");
        assertThat(rs.getString(5)).isEqualTo("/rpc/robot_heartbeat");
        assertThat(rs.getString(6)).isEqualTo("crpa_x");
        assertThat(rs.getString(7)).isEqualTo("{}");
        // the role's own setting (ALTER ROLE anon SET statement_timeout, local platform bootstrap)
        assertThat(rs.getString(8)).isEqualTo("3s");
      }
      c.rollback();
    }
  }

  @Test
  void the_settings_end_with_the_transaction() throws SQLException {
    try (Connection c = stack.get().context().apiPool().getConnection()) {
      c.setAutoCommit(false);
      new RequestSettings("service_role", "{\"role\":\"service_role\"}", "GET", "/", "{}", "{}")
          .applyTo(c);
      c.commit();
      try (PreparedStatement s = c.prepareStatement("SELECT current_user");
          ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("authenticator");
      }
      c.rollback();
    }
  }
}
