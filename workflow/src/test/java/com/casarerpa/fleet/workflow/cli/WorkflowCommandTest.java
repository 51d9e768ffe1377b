package com.casarerpa.fleet.workflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WorkflowCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new WorkflowCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void run_prints_the_logs_and_the_result_and_exits_zero() {
    int code =
        run("run", Fixtures.dir().resolve("task_10.json").toString(), "--work-dir", dir.toString());
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("INFO     [log_result] The final value is: 15.0")
        .contains("COMPLETED: 4 node executions");
  }

  @Test
  void run_with_vars_and_json_prints_one_json_result() throws Exception {
    Path wf = dir.resolve("greet.json");
    Files.writeString(
        wf,
        """
        {"nodes": {"log": {"node_id": "log", "node_type": "LogNode", "config": {"message": "hi {{who}} {{n}}"}}}}
        """);
    int code =
        run(
            "run",
            wf.toString(),
            "--var",
            "who=Ada",
            "--var",
            "n=[1,2]",
            "--json",
            "--work-dir",
            dir.toString());
    assertThat(code).isZero();
    assertThat(out.toString())
        .startsWith("{\"status\":\"COMPLETED\"")
        .contains("\"message\":\"[log] hi Ada [1, 2]\"");
  }

  @Test
  void a_failing_run_exits_non_zero_naming_the_node() throws Exception {
    Path wf = dir.resolve("fail.json");
    Files.writeString(
        wf,
        "{\"nodes\": {\"boom\": {\"node_id\": \"boom\", \"node_type\": \"ThrowErrorNode\", \"config\": {\"error_message\": \"nope\"}}}}");
    assertThat(run("run", wf.toString(), "--work-dir", dir.toString()))
        .isEqualTo(WorkflowCommand.EXIT_FAILED);
    assertThat(out.toString()).contains("FAILED").contains("node 'boom': nope");
  }

  @Test
  void validate_reports_errors_and_exits_non_zero() throws Exception {
    Path wf = dir.resolve("bad.json");
    Files.writeString(
        wf, "{\"nodes\": {\"x\": {\"node_id\": \"x\", \"node_type\": \"NoSuchNode\"}}}");
    assertThat(run("validate", wf.toString())).isEqualTo(WorkflowCommand.EXIT_INVALID);
    assertThat(out.toString()).contains("error   NOT_IN_ORIGINAL [x]");
    out.getBuffer().setLength(0);
    assertThat(run("validate", Fixtures.dir().resolve("batch_1_5_control_flow.json").toString()))
        .isZero();
    assertThat(out.toString()).contains("valid:");
  }
}
