package com.casarerpa.fleet.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.agent.internal.DataDirLock;
import com.casarerpa.fleet.agent.support.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code casare-agent run} start-up failures: exit code 2 and one line, never a stack trace. */
class StartupFailureTest {
  @TempDir Path dir;

  private record Outcome(int code, String err) {}

  private Outcome run(String... settings) {
    List<String> args = new ArrayList<>(List.of("run", "--config", "/dev/null"));
    Map<String, String> all = TestKeys.settings("http://127.0.0.1:9");
    for (int i = 0; i + 1 < settings.length; i += 2) {
      all.put(settings[i], settings[i + 1]);
    }
    all.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = AgentMain.commandLine().execute(args.toArray(String[]::new));
      return new Outcome(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void a_data_folder_held_by_another_agent_exits_2_naming_its_pid() throws Exception {
    Path data = dir.resolve("data");
    DataDirLock held = DataDirLock.acquire(data);
    try {
      Outcome outcome = run("ROBOT_DATA_DIR", data.toString(), "ROBOT_OPS_PORT", "off");

      assertThat(outcome.code()).isEqualTo(2);
      assertThat(outcome.err().strip())
          .doesNotContain("\n")
          .doesNotContain("Exception")
          .contains("ROBOT_DATA_DIR=" + data, "PID " + ProcessHandle.current().pid());
    } finally {
      held.close();
    }
  }

  @Test
  void an_unwritable_data_folder_exits_2_with_one_line() throws Exception {
    Path notAFolder = Files.writeString(dir.resolve("file"), "x");

    Outcome outcome = run("ROBOT_DATA_DIR", notAFolder.resolve("data").toString());

    assertThat(outcome.code()).isEqualTo(2);
    assertThat(outcome.err().strip())
        .doesNotContain("\n")
        .doesNotContain("Exception")
        .contains("ROBOT_DATA_DIR=");
  }

  @Test
  void a_taken_ops_port_exits_2() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Outcome outcome =
          run(
              "ROBOT_DATA_DIR",
              dir.resolve("data").toString(),
              "ROBOT_OPS_PORT",
              String.valueOf(taken.getLocalPort()));

      assertThat(outcome.code()).isEqualTo(2);
      assertThat(outcome.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }
}
