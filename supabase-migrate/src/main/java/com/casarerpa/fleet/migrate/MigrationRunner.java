package com.casarerpa.fleet.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code install/supabase/migrations} in version order, recording each in {@code
 * supabase_migrations.schema_migrations} exactly as the Supabase CLI does (same table, columns
 * {@code version, name, statements}, the same statement split), so that {@code supabase db push},
 * the local stack and {@code casare-fleet setup migrate} continue where any other stopped.
 *
 * <p>Each migration runs in one transaction, statement by statement with plain (unprepared)
 * statements, so it is safe through Supabase's transaction pooler (use {@code prepareThreshold=0}
 * on the JDBC URL); nothing depends on session state between transactions. A failure rolls the
 * migration back and names the file, the statement and its line. On plain PostgreSQL the local
 * platform bootstrap ({@code install/supabase/local-platform/bootstrap.sql}) runs first; it is
 * never applied to a real Supabase project.
 */
public final class MigrationRunner {
  /** Classpath folder of the migrations (the devstack and operator jars carry {@code install/}). */
  public static final String MIGRATIONS_RESOURCE = "install/supabase/migrations";

  /** Classpath location of the local platform bootstrap. */
  public static final String BOOTSTRAP_RESOURCE = "install/supabase/local-platform/bootstrap.sql";

  private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);
  private static final Pattern FILE_NAME = Pattern.compile("([0-9]+)_(.*)\\.sql");
  private static final String INSERT_VERSION =
      "INSERT INTO supabase_migrations.schema_migrations(version, name, statements)"
          + " VALUES (?, ?, ?)";

  private final DataSource dataSource;

  public MigrationRunner(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs the local platform bootstrap (idempotent). Only for plain PostgreSQL. */
  public void applyLocalPlatformBootstrap() {
    execute("local platform bootstrap", readResource(BOOTSTRAP_RESOURCE));
  }

  /**
   * Applies every migration not yet recorded, in order, whatever its age (the local stack's
   * policy).
   *
   * @return the migrations applied by this call
   */
  public List<Migration> migrate(List<Migration> migrations) {
    List<Migration> done = apply(plan(migrations).pending(), m -> {});
    refuseUnqualifiedWrites();
    return done;
  }

  /**
   * Hosted Supabase loads {@code safeupdate} in every API session, so a function that runs an
   * UPDATE or DELETE without WHERE fails there at call time. The schema the migrations leave behind
   * (a later migration may replace an earlier function) must have none: otherwise the local stack
   * refuses to start, naming each function and statement.
   */
  private void refuseUnqualifiedWrites() {
    Map<String, List<UnqualifiedWriteCheck.Finding>> found;
    try (Connection c = dataSource.getConnection()) {
      found = unqualifiedWrites(c);
    } catch (SQLException e) {
      throw new MigrationException("cannot check the migrated functions: " + e.getMessage(), e);
    }
    if (!found.isEmpty()) {
      StringBuilder message =
          new StringBuilder("the migrated schema is refused")
              .append(
                  " refused: hosted Supabase (safeupdate) rejects UPDATE/DELETE without WHERE"
                      + " in API calls; add a WHERE clause (WHERE true where every row is meant):");
      found.forEach(
          (function, findings) ->
              findings.forEach(
                  f -> message.append("\n  ").append(function).append(", ").append(f)));
      throw new MigrationException(message.toString(), null);
    }
  }

  /**
   * Every function of schema {@code public} (except those of extensions) whose definition holds an
   * UPDATE or DELETE without WHERE, with the findings of {@link UnqualifiedWriteCheck}.
   */
  public static Map<String, List<UnqualifiedWriteCheck.Finding>> unqualifiedWrites(Connection c)
      throws SQLException {
    Map<String, List<UnqualifiedWriteCheck.Finding>> found = new java.util.TreeMap<>();
    try (Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                """
                SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid)
                  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                 WHERE p.pronamespace = 'public'::regnamespace
                   AND p.prokind IN ('f', 'p')
                   AND l.lanname IN ('sql', 'plpgsql')
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                    WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                      AND d.deptype = 'e')
                """)) {
      while (rs.next()) {
        List<UnqualifiedWriteCheck.Finding> findings = UnqualifiedWriteCheck.check(rs.getString(2));
        if (!findings.isEmpty()) {
          found.put(rs.getString(1), findings);
        }
      }
    }
    return found;
  }

  /** Compares the local migrations with the recorded ones; changes nothing. */
  public MigrationPlan plan(List<Migration> migrations) {
    List<String> applied = List.copyOf(appliedVersions());
    Set<String> recorded = new TreeSet<>(applied);
    Set<String> local = new TreeSet<>();
    List<Migration> pending = new ArrayList<>();
    List<Migration> outOfOrder = new ArrayList<>();
    String newest = applied.isEmpty() ? "" : applied.getLast();
    for (Migration migration : migrations.stream().sorted().toList()) {
      local.add(migration.version());
      if (!recorded.contains(migration.version())) {
        pending.add(migration);
        if (migration.version().compareTo(newest) < 0) {
          outOfOrder.add(migration);
        }
      }
    }
    List<String> unknown = applied.stream().filter(v -> !local.contains(v)).toList();
    return new MigrationPlan(applied, pending, outOfOrder, unknown);
  }

  /**
   * Applies {@code pending} in the given order, each in its own transaction, telling {@code
   * applying} before each one.
   *
   * @return the migrations applied
   * @throws MigrationException for the first that fails (it is rolled back; earlier ones stay)
   */
  public List<Migration> apply(List<Migration> pending, Consumer<Migration> applying) {
    if (pending.isEmpty()) {
      return List.of();
    }
    ensureHistoryTable();
    List<Migration> done = new ArrayList<>();
    for (Migration migration : pending) {
      applying.accept(migration);
      applyOne(migration);
      done.add(migration);
    }
    return done;
  }

  /** Runs {@code sql} in one transaction without recording it (used to test idempotency). */
  public void execute(String what, String sql) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.setEscapeProcessing(false);
        s.execute(sql);
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw new MigrationException(what + " failed: " + e.getMessage(), e);
      }
    } catch (SQLException e) {
      throw new MigrationException(what + ": cannot reach the database: " + e.getMessage(), e);
    }
  }

  private void applyOne(Migration migration) {
    List<SqlStatement> statements = migration.statements();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      int index = 0;
      try (Statement s = c.createStatement()) {
        s.setEscapeProcessing(false);
        // whatever an earlier user of a pooled session set (the CLI does the same)
        s.execute("RESET ALL");
        for (SqlStatement statement : statements) {
          index++;
          s.execute(statement.text());
        }
        index = 0;
        try (PreparedStatement record = c.prepareStatement(INSERT_VERSION)) {
          Array texts =
              c.createArrayOf("text", statements.stream().map(SqlStatement::text).toArray());
          record.setString(1, migration.version());
          record.setString(2, migration.name());
          record.setArray(3, texts);
          record.executeUpdate();
        }
        c.commit();
        log.info("applied migration {}", migration.fileName());
      } catch (SQLException e) {
        rollbackQuietly(c);
        throw failure(migration, statements, index, e);
      }
    } catch (SQLException e) {
      throw new MigrationException(
          migration.fileName() + ": cannot reach the database: " + e.getMessage(), e);
    }
  }

  private static MigrationException failure(
      Migration migration, List<SqlStatement> statements, int index, SQLException e) {
    String reason = e.getMessage();
    if (index == 0) {
      return new MigrationException(
          migration.fileName() + ": recording the version failed: " + reason, e);
    }
    SqlStatement statement = statements.get(index - 1);
    int line = statement.line();
    if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
      ServerErrorMessage server = p.getServerErrorMessage();
      reason = server.getSQLState() + " " + server.getMessage();
      if (server.getPosition() > 0) {
        line = statement.lineOf(server.getPosition());
      }
    }
    String firstLine = statement.text().lines().findFirst().orElse("");
    return new MigrationException(
        migration.fileName()
            + " line "
            + line
            + ", statement "
            + index
            + " of "
            + statements.size()
            + " ("
            + firstLine
            + "): "
            + reason
            + " — rolled back; nothing of this file was applied",
        e,
        migration.fileName(),
        index,
        line);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the transaction dies with it
    }
  }

  /** The Supabase CLI's own statements, so either tool may create the table first. */
  private void ensureHistoryTable() {
    execute(
        "migration history table",
        """
        CREATE SCHEMA IF NOT EXISTS supabase_migrations;
        CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations \
        (version text NOT NULL PRIMARY KEY);
        ALTER TABLE supabase_migrations.schema_migrations \
        ADD COLUMN IF NOT EXISTS statements text[];
        ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text;
        """);
  }

  /** Recorded versions, sorted; empty when the table does not exist yet. */
  public List<String> appliedVersions() {
    List<String> versions = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet exists =
          s.executeQuery("SELECT to_regclass('supabase_migrations.schema_migrations')")) {
        if (!exists.next() || exists.getString(1) == null) {
          return versions;
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT version FROM supabase_migrations.schema_migrations ORDER BY version")) {
        while (rs.next()) {
          versions.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new MigrationException("cannot read migration history: " + e.getMessage(), e);
    }
    return versions;
  }

  /** Reads the migrations from a folder of {@code <version>_<name>.sql} files. */
  public static List<Migration> fromDirectory(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<Migration> migrations = new ArrayList<>();
      for (Path file : files.sorted().toList()) {
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        if (m.matches()) {
          migrations.add(
              new Migration(
                  m.group(1), m.group(2), Files.readString(file, StandardCharsets.UTF_8)));
        }
      }
      return migrations;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read migrations from " + dir, e);
    }
  }

  /** Reads the migrations bundled on the classpath under {@link #MIGRATIONS_RESOURCE}. */
  public static List<Migration> fromClasspath() {
    URL url = MigrationRunner.class.getClassLoader().getResource(MIGRATIONS_RESOURCE);
    if (url == null) {
      log.warn("{} is not on the classpath: no migrations to apply", MIGRATIONS_RESOURCE);
      return List.of();
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
          return fromDirectory(fs.getPath(MIGRATIONS_RESOURCE));
        }
      }
      return fromDirectory(Path.of(uri));
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot list " + MIGRATIONS_RESOURCE + ": " + e, e);
    }
  }

  static String readResource(String name) {
    try (var in = MigrationRunner.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }
}
