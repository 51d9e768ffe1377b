package com.casarerpa.fleet.devstack.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.migrate.MigrationRunner;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class EmbeddedDatabaseTest {
  @Test
  void bootstrap_creates_the_platform_roles_and_auth_helpers_idempotently() throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.startEphemeral()) {
      MigrationRunner runner = new MigrationRunner(db.superuserDataSource());
      runner.applyLocalPlatformBootstrap();
      runner.applyLocalPlatformBootstrap();
      try (Connection c = db.superuserDataSource().getConnection();
          Statement s = c.createStatement()) {
        s.execute("BEGIN");
        s.execute("SET LOCAL ROLE authenticated");
        s.execute(
            "SELECT set_config('request.jwt.claims',"
                + " '{\"sub\":\"6f1c3a2e-1b7e-4c1a-9a55-3f0c2d9f0a11\",\"role\":\"authenticated\"}',"
                + " true)");
        try (ResultSet rs = s.executeQuery("SELECT auth.uid()::text, auth.role(), current_user")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("6f1c3a2e-1b7e-4c1a-9a55-3f0c2d9f0a11");
          assertThat(rs.getString(2)).isEqualTo("authenticated");
          assertThat(rs.getString(3)).isEqualTo("authenticated");
        }
        s.execute("ROLLBACK");
        try (ResultSet rs =
            s.executeQuery("SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role'")) {
          rs.next();
          assertThat(rs.getBoolean(1)).isTrue();
        }
      }
    }
  }

  private static String loginFails(EmbeddedDatabase db, String password) {
    try (Connection c =
        java.sql.DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres",
            EmbeddedDatabase.SUPERUSER,
            password)) {
      return c.isValid(5) ? "connected" : "invalid";
    } catch (java.sql.SQLException e) {
      return e.getSQLState();
    }
  }

  @Test
  void the_superuser_needs_its_password_also_after_a_restart(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String password;
    try (EmbeddedDatabase db =
        EmbeddedDatabase.builder().dataDirectory(dir.resolve("pg")).start()) {
      password = db.password(EmbeddedDatabase.SUPERUSER);
      assertThat(loginFails(db, "anything")).as("a wrong password").isEqualTo("28P01");
      assertThat(loginFails(db, "")).isNotEqualTo("connected");
      assertThat(loginFails(db, password)).isEqualTo("connected");
      assertThat(db.databaseUrl(EmbeddedDatabase.SUPERUSER)).contains(":" + password + "@");
    }
    try (EmbeddedDatabase db =
        EmbeddedDatabase.builder().dataDirectory(dir.resolve("pg")).start()) {
      assertThat(db.password(EmbeddedDatabase.SUPERUSER)).isEqualTo(password);
      assertThat(loginFails(db, "postgres")).isEqualTo("28P01");
      try (Connection c = db.superuserDataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_user")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("postgres");
      }
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.startEphemeral()) {
      assertThat(loginFails(db, "postgres")).as("ephemeral too").isEqualTo("28P01");
    }
  }
}
