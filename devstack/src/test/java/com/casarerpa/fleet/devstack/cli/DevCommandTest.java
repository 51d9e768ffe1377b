package com.casarerpa.fleet.devstack.cli;

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
          new CommandLine(new DevstackMain())
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
    assertThat(output).contains("running").contains("demo summary:");
    assertThat(output).containsPattern("all \\d+ demo jobs completed");
    assertThat(code).isZero();
  }

  @Test
  void a_missing_workflow_folder_is_a_clear_error() {
    int code = new CommandLine(new DevstackMain()).execute("dev", "--workflows", "no/such/dir");

    assertThat(code).isEqualTo(2);
  }
}
