package com.casarerpa.fleet.operator.setup;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.operator.Agents;
import com.casarerpa.fleet.operator.Cli;
import com.casarerpa.fleet.operator.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code setup all} on an empty project, then a robot with the printed key runs a job. */
class SetupAllTest {
  private static final String SUPABASE_DIR =
      Path.of("..", "install", "supabase").toAbsolutePath().normalize().toString();

  @TempDir Path dir;
  private TestStack stack;
  private Agent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close(Duration.ofSeconds(20));
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void setup_all_makes_an_empty_project_pass_verify_and_its_printed_key_runs_a_job()
      throws Exception {
    stack = TestStack.start(dir, false);
    Cli cli = stack.cli();

    Cli.Result before = cli.run("setup", "verify", "--dir", SUPABASE_DIR);
    assertThat(before.code()).isEqualTo(1);
    assertThat(before.out()).contains("FAIL  tables");

    Cli.Result all = cli.run("setup", "all", "--robot-name", "first-robot", "--dir", SUPABASE_DIR);

    assertThat(all.code()).as(all.toString()).isZero();
    assertThat(all.out())
        .contains("== 1/4 migrate")
        .contains("Applying migration 20260101000001_fleet_tables.sql... ok")
        .contains("== 2/4 functions")
        .contains("== 3/4 verify")
        .contains("checks passed.")
        .contains("== 4/4 first robot")
        .contains("Created robot first-robot")
        .contains("SUPABASE_URL=" + stack.stack().url())
        .contains("SUPABASE_ANON_KEY=" + stack.stack().anonKey());
    String key =
        all.out()
            .lines()
            .filter(l -> l.startsWith("ROBOT_API_KEY="))
            .findFirst()
            .orElseThrow()
            .substring("ROBOT_API_KEY=".length());
    assertThat(key).startsWith("crpa_").hasSize(48);
    assertThat(all.out().split(key, -1)).as("the key is printed exactly once").hasSize(2);

    Cli.Result verify = cli.run("setup", "verify", "--dir", SUPABASE_DIR);
    assertThat(verify.code()).as(verify.toString()).isZero();

    agent =
        Agents.start(
            stack.stack().url(), stack.stack().anonKey(), key, "first-robot", dir.resolve("agent"));
    Path workflow = dir.resolve("hello.json");
    Files.writeString(
        workflow, Workflows.linear("hello").log("hello from the first robot").end().toString());
    Cli.Result job =
        cli.run(
            "jobs", "enqueue", "--workflow", workflow.toString(), "--wait", "--wait-timeout", "2m");
    assertThat(job.code()).as(job.toString()).isZero();
    assertThat(job.out()).contains("completed");

    Cli.Result rerun = cli.run("setup", "migrate", "--dir", SUPABASE_DIR);
    assertThat(rerun.out()).contains("Remote database is up to date.");
  }
}
