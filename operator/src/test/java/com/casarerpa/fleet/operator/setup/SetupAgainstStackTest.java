package com.casarerpa.fleet.operator.setup;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.operator.Cli;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code setup verify | rls | types | functions} against the real local stack. */
class SetupAgainstStackTest {
  @TempDir static Path dir;
  static TestStack stack;
  static Cli cli;

  @BeforeAll
  static void start() {
    stack = TestStack.start(dir);
    cli = stack.cli();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = stack.stack().context().adminPool().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void verify_passes_on_a_migrated_project_with_a_line_per_check() {
    Cli.Result result = cli.run("setup", "verify");

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("PASS  API and service key")
        .contains("PASS  tables")
        .contains("PASS  row-level security")
        .contains("PASS  views")
        .contains("PASS  RPCs")
        .contains("PASS  Realtime publication")
        .contains("PASS  log partitions ahead")
        .contains("PASS  RPC round trip")
        .contains("PASS  Realtime join")
        .contains("PASS  edge function health")
        .doesNotContain("FAIL");
  }

  @Test
  void verify_fails_with_a_fix_when_something_is_wrong_and_exits_1() throws Exception {
    sql("ALTER PUBLICATION supabase_realtime DROP TABLE public.robots");
    try {
      Cli.Result result = cli.run("setup", "verify", "--json");
      assertThat(result.code()).as(result.toString()).isEqualTo(1);
      JsonNode checks = FleetApi.JSON.readTree(result.out());
      JsonNode publication = null;
      for (JsonNode c : checks) {
        if (c.path("check").asText().equals("Realtime publication")) {
          publication = c;
        }
      }
      assertThat(publication).isNotNull();
      assertThat(publication.path("passed").asBoolean()).isFalse();
      assertThat(publication.path("fix").asText()).contains("setup migrate");
    } finally {
      sql("ALTER PUBLICATION supabase_realtime ADD TABLE public.robots");
    }
  }

  @Test
  void verify_with_a_wrong_service_key_says_so() throws Exception {
    Path env = dir.resolve("bad.env");
    Files.writeString(
        env,
        Files.readString(stack.envFile())
            .replace(stack.stack().serviceRoleKey(), stack.stack().anonKey() + "x"));
    Cli.Result result = cli.run("--env-file", env.toString(), "setup", "verify");
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.out()).contains("FAIL  API and service key").contains("SUPABASE_SERVICE_KEY");
  }

  @Test
  void rls_lists_the_policies_and_flags_a_table_without_rls_or_open_to_anon() throws Exception {
    Cli.Result clean = cli.run("setup", "rls");
    assertThat(clean.code()).as(clean.toString()).isZero();
    assertThat(clean.out())
        .contains("robots")
        .contains("robot_logs")
        .contains("OK: RLS is on for every table");

    sql("CREATE TABLE public.scratch (id int primary key)");
    sql("GRANT SELECT ON public.scratch TO anon");
    sql("CREATE TABLE public.open_notes (id int primary key)");
    sql("ALTER TABLE public.open_notes ENABLE ROW LEVEL SECURITY");
    sql("CREATE POLICY everyone_reads ON public.open_notes FOR SELECT TO anon USING (true)");
    try {
      Cli.Result flagged = cli.run("setup", "rls", "--json");
      assertThat(flagged.code()).as(flagged.toString()).isEqualTo(1);
      JsonNode tables = FleetApi.JSON.readTree(flagged.out());
      JsonNode scratch = find(tables, "scratch");
      JsonNode notes = find(tables, "open_notes");
      assertThat(scratch.path("flags").toString())
          .contains("RLS disabled")
          .contains("anon has table privileges");
      assertThat(notes.path("flags").toString()).contains("policy everyone_reads open to anon");
      assertThat(notes.path("policies").get(0).path("command").asText()).isEqualTo("SELECT");
    } finally {
      sql("DROP TABLE public.scratch");
      sql("DROP TABLE public.open_notes");
    }
  }

  private static JsonNode find(JsonNode tables, String name) {
    for (JsonNode t : tables) {
      if (t.path("table").asText().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no " + name + " in " + tables);
  }

  @Test
  void types_typescript_has_the_supabase_gen_types_shape() {
    Cli.Result result = cli.run("setup", "types");
    assertThat(result.code()).as(result.toString()).isZero();
    String ts = result.out();
    assertThat(ts)
        .startsWith("export type Json =")
        .contains("export type Database = {\n  public: {\n    Tables: {")
        .contains("      jobs: {\n        Row: {")
        .contains("          job_id: string\n")
        .contains("          progress: number | null\n")
        .contains("          payload: Json | null\n")
        .contains("        Insert: {\n")
        .contains("          job_id?: string\n")
        .contains("          search_vector?: never\n")
        .contains("            referencedRelation: \"robots\"")
        .contains("    Views: {\n      robot_api_keys_active: {")
        .contains(
            "      claim_jobs: {\n        Args: {\n          p_limit?: number\n        }\n        Returns: Json[]")
        .contains("      robot_offline: {\n        Args: never")
        .contains("    Enums: {")
        .doesNotContain("robot_logs_default");
  }

  @Test
  void types_java_records_compile() throws Exception {
    Path out = dir.resolve("gen").resolve("FleetTypes.java");
    Files.createDirectories(out.getParent());
    Cli.Result result = cli.run("setup", "types", "--lang", "java", "--out", out.toString());
    assertThat(result.code()).as(result.toString()).isZero();
    String java = Files.readString(out);
    assertThat(java)
        .contains("public record Jobs(")
        .contains("@JsonProperty(\"job_id\") java.util.UUID jobId")
        .contains("@JsonProperty(\"payload\") com.fasterxml.jackson.databind.JsonNode payload");

    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    int code =
        compiler.run(
            null,
            null,
            null,
            "-d",
            dir.resolve("classes").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            out.toString());
    assertThat(code).as("javac of the generated records").isZero();
  }

  @Test
  void functions_lists_and_on_the_local_stack_has_nothing_to_deploy() {
    String supabaseDir = Path.of("..", "install", "supabase").toAbsolutePath().toString();
    Cli.Result list = cli.run("setup", "functions", "--list", "--dir", supabaseDir);
    assertThat(list.code()).isZero();
    assertThat(list.out().lines().toList()).contains("health");

    Cli.Result deploy = cli.run("setup", "functions", "--dir", supabaseDir);
    assertThat(deploy.code()).isZero();
    assertThat(deploy.out()).contains("serves").contains("nothing to deploy");
  }

  @Test
  void functions_prints_exact_commands_without_the_cli_and_runs_the_cli_when_present()
      throws Exception {
    Path project = dir.resolve("remote");
    Files.createDirectories(project);
    Files.writeString(
        project.resolve(".env"),
        "SUPABASE_URL=https://abcdefghij.supabase.co\nSUPABASE_PROJECT_REF=abcdefghij\n");
    Path supabaseDir = Path.of("..", "install", "supabase").toAbsolutePath().normalize();
    Cli remote = new Cli(project).env("PATH", "/nonexistent");

    Cli.Result printed = remote.run("setup", "functions", "--dir", supabaseDir.toString());
    assertThat(printed.code()).as(printed.toString()).isZero();
    assertThat(printed.out())
        .contains("not on the PATH")
        .contains("cd " + supabaseDir.getParent())
        .contains("supabase functions deploy health --project-ref abcdefghij");

    // a supabase executable on the PATH is run once per function, in install/
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path calls = dir.resolve("calls.txt");
    Path fake = bin.resolve("supabase");
    Files.writeString(fake, "#!/bin/sh\necho \"$(pwd) $*\" >> " + calls + "\n");
    fake.toFile().setExecutable(true);
    Cli withCli = new Cli(project).env("PATH", bin.toString());
    Cli.Result ran =
        withCli.run("setup", "functions", "--name", "health", "--dir", supabaseDir.toString());
    assertThat(ran.code()).as(ran.toString()).isZero();
    assertThat(Files.readAllLines(calls))
        .containsExactly(
            supabaseDir.getParent() + " functions deploy health --project-ref abcdefghij");

    Cli.Result dry =
        withCli.run("setup", "functions", "--dry-run", "--dir", supabaseDir.toString());
    assertThat(dry.out()).contains("Would run:");
    assertThat(Files.readAllLines(calls)).hasSize(1);
  }
}
