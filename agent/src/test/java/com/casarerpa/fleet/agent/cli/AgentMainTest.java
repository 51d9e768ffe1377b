package com.casarerpa.fleet.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.agent.support.TestKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentMainTest {
  @TempDir Path dir;

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
  void run_with_its_ops_port_taken_exits_2_without_registering() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        ServerSocket closed = new ServerSocket(0)) {
      CommandLine cli = AgentMain.commandLine();
      cli.setErr(new PrintWriter(new StringWriter()));

      int code =
          cli.execute(
              "run",
              "--config",
              "/dev/null",
              "--supabase-url",
              "http://127.0.0.1:" + closed.getLocalPort(),
              "--set",
              "SUPABASE_ANON_KEY=" + TestKeys.ANON_KEY,
              "--set",
              "ROBOT_API_KEY=crpa_" + "b".repeat(43),
              "--data-dir",
              dir.toString(),
              "--ops-port",
              String.valueOf(taken.getLocalPort()));

      assertThat(code).isEqualTo(2);
    }
  }

  @Test
  void run_help_states_the_signal_contract() {
    assertThat(run("run", "--help")).contains("SIGTERM/SIGINT", "ROBOT_SHUTDOWN_BUDGET");
  }
}
