package com.casarerpa.fleet.operator.setup;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.db.EmbeddedDatabase;
import com.casarerpa.fleet.migrate.Migration;
import com.casarerpa.fleet.migrate.MigrationRunner;
import com.casarerpa.fleet.migrate.SqlStatement;
import com.casarerpa.fleet.operator.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code setup migrate} against a real, empty PostgreSQL (platform bootstrap only). */
class MigrateCommandTest {
  private static final Path REPO_SUPABASE = Path.of("..", "install", "supabase").toAbsolutePath();

  @TempDir Path dir;
  private EmbeddedDatabase db;
  private Cli cli;
  private final List<Migration> migrations =
      MigrationRunner.fromDirectory(REPO_SUPABASE.resolve("migrations"));

  @BeforeEach
  void emptyDatabase() {
    db = EmbeddedDatabase.startEphemeral();
    new MigrationRunner(db.superuserDataSource()).applyLocalPlatformBootstrap();
    cli = new Cli(dir).env("DATABASE_URL", db.databaseUrl("postgres"));
  }

  @AfterEach
  void stop() {
    db.close();
  }

  @Test
  void applies_every_migration_with_a_progress_line_each_and_a_rerun_is_a_no_op() throws Exception {
    Cli.Result first = cli.run("setup", "migrate", "--dir", REPO_SUPABASE.toString());

    assertThat(first.code()).as(first.toString()).isZero();
    for (Migration m : migrations) {
      assertThat(first.out()).contains("Applying migration " + m.fileName() + "... ok");
    }
    assertThat(versions())
        .containsExactlyElementsOf(migrations.stream().map(Migration::version).toList());

    Cli.Result again = cli.run("setup", "migrate", "--dir", REPO_SUPABASE.toString());
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).contains("Remote database is up to date.").doesNotContain("Applying");
  }

  @Test
  void records_versions_names_and_statements_as_the_supabase_cli_does() throws Exception {
    assertThat(cli.run("setup", "migrate", "--dir", REPO_SUPABASE.toString()).code()).isZero();
    Migration first = migrations.getFirst();
    try (Connection c = db.superuserDataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT name, statements FROM supabase_migrations.schema_migrations WHERE version = ?")) {
      s.setString(1, first.version());
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("name")).isEqualTo(first.name());
        String[] statements = (String[]) rs.getArray("statements").getArray();
        assertThat(statements)
            .containsExactlyElementsOf(
                first.statements().stream().map(SqlStatement::text).toList());
        assertThat(statements).allSatisfy(st -> assertThat(st).doesNotEndWith(";"));
      }
      // the CLI's own table shape: version text primary key, statements text[], name text
      try (Statement s2 = c.createStatement();
          ResultSet rs =
              s2.executeQuery(
                  "SELECT column_name || ':' || data_type FROM information_schema.columns WHERE"
                      + " table_schema = 'supabase_migrations' AND table_name = 'schema_migrations'"
                      + " ORDER BY ordinal_position")) {
        List<String> columns = new ArrayList<>();
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
        assertThat(columns).containsExactly("version:text", "statements:ARRAY", "name:text");
      }
    }
  }

  @Test
  void continues_where_the_supabase_cli_stopped() throws Exception {
    // what `supabase db push` leaves after applying the first three files
    try (Connection c = db.superuserDataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS supabase_migrations");
      s.execute(
          "CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL"
              + " PRIMARY KEY)");
      s.execute(
          "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements"
              + " text[]");
      s.execute(
          "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text");
      for (Migration m : migrations.subList(0, 3)) {
        c.setAutoCommit(false);
        for (SqlStatement st : m.statements()) {
          s.execute(st.text());
        }
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO supabase_migrations.schema_migrations(version, name, statements)"
                    + " VALUES($1, $2, $3)"
                        .replace("$1", "?")
                        .replace("$2", "?")
                        .replace("$3", "?"))) {
          insert.setString(1, m.version());
          insert.setString(2, m.name());
          insert.setArray(
              3,
              c.createArrayOf("text", m.statements().stream().map(SqlStatement::text).toArray()));
          insert.executeUpdate();
        }
        c.commit();
        c.setAutoCommit(true);
      }
    }

    Cli.Result dry = cli.run("setup", "migrate", "--dry-run", "--dir", REPO_SUPABASE.toString());
    assertThat(dry.code()).as(dry.toString()).isZero();
    assertThat(dry.out()).contains("3 migrations applied").contains(migrations.get(3).fileName());
    assertThat(versions()).hasSize(3);

    Cli.Result result = cli.run("setup", "migrate", "--dir", REPO_SUPABASE.toString());
    assertThat(result.code()).as(result.toString()).isZero();
    for (Migration m : migrations.subList(0, 3)) {
      assertThat(result.out()).doesNotContain(m.fileName());
    }
    for (Migration m : migrations.subList(3, migrations.size())) {
      assertThat(result.out()).contains("Applying migration " + m.fileName());
    }
    assertThat(versions()).hasSize(migrations.size());
  }

  @Test
  void to_stops_after_the_given_version() throws Exception {
    String to = migrations.get(1).version();
    Cli.Result result = cli.run("setup", "migrate", "--to", to, "--dir", REPO_SUPABASE.toString());
    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(versions()).containsExactly(migrations.get(0).version(), to);

    Cli.Result unknown =
        cli.run("setup", "migrate", "--to", "123", "--dir", REPO_SUPABASE.toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("--to 123: no such migration version");
  }

  @Test
  void a_failing_migration_rolls_back_and_names_file_statement_and_line() throws Exception {
    Path supabase = dir.resolve("supabase");
    Path folder = Files.createDirectories(supabase.resolve("migrations"));
    for (Migration m : migrations) {
      Files.writeString(folder.resolve(m.fileName()), m.sql());
    }
    Files.writeString(
        folder.resolve("29990101000000_broken.sql"),
        "-- a migration with a mistake on line 4\nCREATE TABLE public.half_done (a int);\n\nSELECT 1,\n  no_such_column FROM public.half_done;\n");

    Cli.Result result = cli.run("setup", "migrate", "--dir", supabase.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(1);
    assertThat(result.out()).contains("Applying migration 29990101000000_broken.sql... FAILED");
    assertThat(result.err())
        .contains("29990101000000_broken.sql line 5, statement 2 of 2")
        .contains("no_such_column")
        .contains("rolled back");
    assertThat(versions()).hasSize(migrations.size()).doesNotContain("29990101000000");
    try (Connection c = db.superuserDataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('public.half_done')")) {
      rs.next();
      assertThat(rs.getString(1)).as("the failed file's first statement was rolled back").isNull();
    }
  }

  @Test
  void without_a_database_setting_it_says_what_to_set_and_exits_2() {
    Cli.Result result = new Cli(dir).run("setup", "migrate");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("DATABASE_URL").contains("SUPABASE_DB_PASSWORD");
  }

  private List<String> versions() throws Exception {
    List<String> versions = new ArrayList<>();
    try (Connection c = db.superuserDataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version FROM supabase_migrations.schema_migrations ORDER BY 1")) {
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
    }
    return versions;
  }
}
