package com.casarerpa.fleet.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AgentMainTest {
  private static String run(String... args) {
    CommandLine cli = AgentMain.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.execute(args);
    return out.toString();
  }

  @Test
  void help_lists_every_command_and_the_exit_codes() {
    assertThat(run("--help"))
        .contains("run ", "doctor ", "workflow ", "version ")
        .contains("3 robot key rejected");
  }

  @Test
  void run_with_an_invalid_configuration_exits_2_and_names_the_problem() {
    CommandLine cli = AgentMain.commandLine();
    cli.setErr(new PrintWriter(new StringWriter()));

    int code = cli.execute("run", "--config", "/dev/null", "--supabase-url", "not a url");

    assertThat(code).isEqualTo(2);
  }

  @Test
  void run_help_states_the_signal_contract() {
    assertThat(run("run", "--help")).contains("SIGTERM/SIGINT", "ROBOT_SHUTDOWN_BUDGET");
  }
}
