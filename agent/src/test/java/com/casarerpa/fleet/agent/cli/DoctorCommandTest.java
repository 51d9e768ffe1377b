package com.casarerpa.fleet.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.agent.support.FakeFleetBackend;
import com.casarerpa.fleet.agent.support.TestKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DoctorCommandTest {
  private static String[] args(String url) {
    return new String[] {
      "doctor",
      "--supabase-url",
      url,
      "--set",
      "SUPABASE_ANON_KEY=" + TestKeys.ANON_KEY,
      "--set",
      "ROBOT_API_KEY=" + TestKeys.ROBOT_KEY,
      "--config",
      "/dev/null"
    };
  }

  private static int run(StringWriter out, String... args) {
    CommandLine cli = AgentMain.commandLine();
    cli.setOut(new PrintWriter(out));
    return cli.execute(args);
  }

  @Test
  void all_checks_pass_against_a_healthy_backend() throws Exception {
    try (FakeFleetBackend backend = new FakeFleetBackend()) {
      StringWriter out = new StringWriter();

      int code = run(out, args(backend.url().toString()));

      assertThat(out.toString())
          .contains("ok    reachability")
          .contains("ok    robot key: accepted")
          .contains("ok    realtime: joined robot-fleet")
          .contains("all checks passed");
      assertThat(code).isZero();
    }
  }

  @Test
  void a_revoked_key_is_reported_with_what_to_do() throws Exception {
    try (FakeFleetBackend backend = new FakeFleetBackend()) {
      backend.revokeKey();
      StringWriter out = new StringWriter();

      int code = run(out, args(backend.url().toString()));

      assertThat(out.toString())
          .contains("FAIL  robot key: rejected")
          .contains("set ROBOT_API_KEY");
      assertThat(code).isEqualTo(1);
    }
  }

  @Test
  void an_unreachable_backend_says_to_check_the_url() {
    StringWriter out = new StringWriter();

    int code = run(out, args("http://127.0.0.1:9"));

    assertThat(out.toString())
        .contains("FAIL  reachability: nothing answers at http://127.0.0.1:9");
    assertThat(code).isEqualTo(1);
  }

  @Test
  void a_bad_configuration_is_listed_problem_by_problem() {
    StringWriter out = new StringWriter();

    int code =
        run(
            out,
            "doctor",
            "--supabase-url",
            "nope",
            "--set",
            "ROBOT_API_KEY=x",
            "--config",
            "/dev/null");

    assertThat(out.toString())
        .contains("FAIL  configuration: SUPABASE_URL=nope (from flag)")
        .contains("FAIL  configuration: SUPABASE_ANON_KEY is not set");
    assertThat(code).isEqualTo(1);
  }
}
