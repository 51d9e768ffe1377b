package com.casarerpa.fleet.devstack.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code devstack dev --exit-after-demo}: the README's one command, end to end. */
class DevCommandTest {
  @Test
  void the_demo_runs_every_shipped_workflow_to_completion_and_exits_0() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int code;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      code =
          new CommandLine(new DevHarnessMain())
              .execute(
                  "dev", "--port", "0", "--exit-after-demo", "--workflows", "../config/workflows");
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    System.out.println(output);

    assertThat(output)
        .contains("SUPABASE_URL=http://127.0.0.1:")
        .contains("is online in this process");
    assertThat(output).contains("running").contains("demo summary");
    assertThat(output).containsPattern("all \\d+ demo jobs completed");
    // what the shipped workflows are meant to log (shared/fixtures/casare-workflows/index.md),
    // read back from robot_logs
    assertThat(output)
        .contains("The total sum is: 15.0")
        .contains("The final result is: 40.0")
        .contains("Hello, my name is Alice and I am 30 years old")
        .contains("Dictionary content: {'status': 'ok', 'code': 200}")
        .contains("The content length is: 21 bytes.");
    assertThat(code).isZero();
  }

  @Test
  void a_missing_workflow_folder_is_a_clear_error() {
    int code = new CommandLine(new DevHarnessMain()).execute("dev", "--workflows", "no/such/dir");

    assertThat(code).isEqualTo(2);
  }
}
