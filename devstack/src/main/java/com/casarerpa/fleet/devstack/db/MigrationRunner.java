package com.casarerpa.fleet.devstack.db;

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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code install/supabase/migrations} in version order, recording each in {@code
 * supabase_migrations.schema_migrations}, the same table the Supabase CLI keeps, so that {@code
 * supabase db push} and this runner agree on what is applied.
 *
 * <p>Each migration runs in its own transaction. On plain PostgreSQL the local platform bootstrap
 * ({@code install/supabase/local-platform/bootstrap.sql}) runs first; it is never applied to a real
 * Supabase project.
 */
public final class MigrationRunner {
  /** Classpath folder of the migrations (the devstack jar carries {@code install/}). */
  public static final String MIGRATIONS_RESOURCE = "install/supabase/migrations";

  /** Classpath location of the local platform bootstrap. */
  public static final String BOOTSTRAP_RESOURCE = "install/supabase/local-platform/bootstrap.sql";

  private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);
  private static final Pattern FILE_NAME = Pattern.compile("(\\d+)_(.+)\\.sql");

  private final DataSource dataSource;

  public MigrationRunner(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs the local platform bootstrap (idempotent). Only for plain PostgreSQL. */
  public void applyLocalPlatformBootstrap() {
    execute("local platform bootstrap", readResource(BOOTSTRAP_RESOURCE));
  }

  /**
   * Applies every migration not yet recorded, in order.
   *
   * @return the migrations applied by this call
   */
  public List<Migration> migrate(List<Migration> migrations) {
    ensureHistoryTable();
    Set<String> applied = appliedVersions();
    List<Migration> done = new ArrayList<>();
    for (Migration migration : migrations.stream().sorted().toList()) {
      if (applied.contains(migration.version())) {
        continue;
      }
      apply(migration);
      done.add(migration);
    }
    refuseUnqualifiedWrites();
    return done;
  }

  /** Runs {@code sql} in one transaction without recording it (used to test idempotency). */
  public void execute(String what, String sql) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
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

  private void apply(Migration migration) {
    String what = "migration " + migration.version() + "_" + migration.name();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement();
          PreparedStatement record =
              c.prepareStatement(
                  "INSERT INTO supabase_migrations.schema_migrations (version, name, statements)"
                      + " VALUES (?, ?, ARRAY[?])")) {
        s.execute(migration.sql());
        record.setString(1, migration.version());
        record.setString(2, migration.name());
        record.setString(3, migration.sql());
        record.executeUpdate();
        c.commit();
        log.info("applied {}", what);
      } catch (SQLException e) {
        c.rollback();
        throw new MigrationException(what + " failed: " + e.getMessage(), e);
      }
    } catch (SQLException e) {
      throw new MigrationException(what + ": cannot reach the database: " + e.getMessage(), e);
    }
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

  private void ensureHistoryTable() {
    execute(
        "migration history table",
        """
        CREATE SCHEMA IF NOT EXISTS supabase_migrations;
        CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (
          version    text PRIMARY KEY,
          statements text[],
          name       text
        );
        """);
  }

  private Set<String> appliedVersions() {
    Set<String> versions = new HashSet<>();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT version FROM supabase_migrations.schema_migrations")) {
      while (rs.next()) {
        versions.add(rs.getString(1));
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
