package com.casarerpa.fleet.operator.setup;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.operator.Cli;
import com.casarerpa.fleet.operator.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code setup init} and {@code setup quickstart}: the .env file and how secrets get there. */
class InitCommandTest {
  @TempDir Path dir;

  @Test
  void init_writes_the_seed_variables_with_mode_600_and_never_overwrites_without_force()
      throws Exception {
    Cli cli = new Cli(dir).env("SUPABASE_SERVICE_KEY", "service-secret");

    Cli.Result result =
        cli.run("setup", "init", "--project-ref", "abcdefghij", "--anon-key", "anon-public");

    assertThat(result.code()).as(result.toString()).isZero();
    Path env = dir.resolve(".env");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env)))
        .isEqualTo("rw-------");
    Map<String, String> values = Settings.parse(env);
    assertThat(values)
        .containsEntry("SUPABASE_URL", "https://abcdefghij.supabase.co")
        .containsEntry("SUPABASE_PROJECT_REF", "abcdefghij")
        .containsEntry("SUPABASE_ANON_KEY", "anon-public")
        .containsEntry("SUPABASE_SERVICE_KEY", "service-secret")
        .containsKeys(
            "SUPABASE_DB_PASSWORD",
            "DATABASE_URL",
            "ROBOT_NAME",
            "ROBOT_API_KEY",
            "ROBOT_ENVIRONMENT",
            "API_SECRET",
            "HOST",
            "PORT",
            "LOG_LEVEL");
    assertThat(result.out()).doesNotContain("service-secret");

    Cli.Result again = cli.run("setup", "init", "--project-ref", "other");
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("already exists").contains("--force");
    assertThat(Settings.parse(env)).containsEntry("SUPABASE_PROJECT_REF", "abcdefghij");

    Cli.Result forced = cli.run("setup", "init", "--project-ref", "other", "--force");
    assertThat(forced.code()).as(forced.toString()).isZero();
    assertThat(Settings.parse(env)).containsEntry("SUPABASE_PROJECT_REF", "other");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env)))
        .isEqualTo("rw-------");
  }

  @Test
  void a_secret_as_a_flag_is_refused_unless_explicitly_forced() throws Exception {
    Cli cli = new Cli(dir);
    Cli.Result refused =
        cli.run("setup", "init", "--project-ref", "abc", "--service-key", "visible-in-ps");
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("ps").contains("--insecure-flag-secrets");
    assertThat(dir.resolve(".env")).doesNotExist();

    Cli.Result forced =
        cli.run(
            "setup",
            "init",
            "--project-ref",
            "abc",
            "--service-key",
            "visible-in-ps",
            "--db-password",
            "p@ss word",
            "--insecure-flag-secrets");
    assertThat(forced.code()).as(forced.toString()).isZero();
    assertThat(Settings.parse(dir.resolve(".env")))
        .containsEntry("SUPABASE_SERVICE_KEY", "visible-in-ps")
        .containsEntry(
            "DATABASE_URL",
            "postgresql://postgres:p%40ss+word@db.abc.supabase.co:5432/postgres?sslmode=require");
  }

  @Test
  void the_service_key_can_come_from_stdin_and_the_pooler_host_makes_a_transaction_pooler_url()
      throws Exception {
    Cli cli = new Cli(dir).env("SUPABASE_DB_PASSWORD", "pw");
    Cli.Result result =
        cli.runWithInput(
            "from-stdin\n",
            "setup",
            "init",
            "-p",
            "ref123",
            "--service-key-stdin",
            "--pooler-host",
            "aws-0-eu-central-1.pooler.supabase.com");
    assertThat(result.code()).as(result.toString()).isZero();
    Map<String, String> values = Settings.parse(dir.resolve(".env"));
    assertThat(values)
        .containsEntry("SUPABASE_SERVICE_KEY", "from-stdin")
        .containsEntry(
            "DATABASE_URL",
            "postgresql://postgres.ref123:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?sslmode=require");
  }

  @Test
  void quickstart_asks_with_defaults_and_ends_with_the_next_command() throws Exception {
    Cli cli = new Cli(dir);
    // ref, URL (Enter = default), anon key, service key, db password, pooler host (Enter = none)
    String answers = "myproj\n\nanon-xyz\nservice-xyz\ndbpw\n\n";
    Cli.Result result = cli.runWithInput(answers, "setup", "quickstart");

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("Supabase project ref")
        .contains("API URL [https://myproj.supabase.co]")
        .contains("service_role key (hidden)")
        .contains("Next: bin/casare-fleet setup all")
        .doesNotContain("service-xyz");
    assertThat(Settings.parse(dir.resolve(".env")))
        .containsEntry("SUPABASE_URL", "https://myproj.supabase.co")
        .containsEntry("SUPABASE_ANON_KEY", "anon-xyz")
        .containsEntry("SUPABASE_SERVICE_KEY", "service-xyz")
        .containsEntry(
            "DATABASE_URL",
            "postgresql://postgres:dbpw@db.myproj.supabase.co:5432/postgres?sslmode=require");
  }

  @Test
  void quickstart_takes_every_answer_as_a_flag_for_scripts() throws Exception {
    Cli cli = new Cli(dir).env("SUPABASE_SERVICE_KEY", "svc");
    Cli.Result result =
        cli.run(
            "setup",
            "quickstart",
            "--yes",
            "--url",
            "http://127.0.0.1:54321",
            "--anon-key",
            "anon");
    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(Settings.parse(dir.resolve(".env")))
        .containsEntry("SUPABASE_URL", "http://127.0.0.1:54321")
        .containsEntry("SUPABASE_SERVICE_KEY", "svc");

    Cli.Result exists = cli.run("setup", "quickstart", "--yes", "--url", "http://x");
    assertThat(exists.code()).isEqualTo(2);
    assertThat(exists.err()).contains("already exists");
  }
}
