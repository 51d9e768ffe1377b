package com.casarerpa.fleet.workflow.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV nodes (Commons CSV) keep Python csv's values: quoting, CRLF rows, str() cells. */
class CsvFilesTest {
  @TempDir Path work;

  private RunResult run(TestWorkflow wf) throws Exception {
    try (WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build()) {
      return engine.run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(work), null, null);
    }
  }

  @Test
  void quotes_newlines_and_python_values_round_trip() throws Exception {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("name", "Smith, \"Jo\"");
    row.put("note", "two\nlines");
    row.put("score", 15.0);
    row.put("ok", true);
    RunResult r =
        run(
            TestWorkflow.create()
                .node("w", "WriteCSVNode", "file_path", "t.csv", "data", List.of(row))
                .node("r", "ReadCSVNode", "file_path", "t.csv")
                .chain("w", "r"));
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(Files.readString(work.resolve("t.csv")))
        .isEqualTo("name,note,score,ok\r\n\"Smith, \"\"Jo\"\"\",\"two\nlines\",15.0,True\r\n");
    assertThat(r.nodeOutputs().get("r"))
        .containsEntry(
            "data",
            List.of(
                Map.of(
                    "name", "Smith, \"Jo\"", "note", "two\nlines", "score", "15.0", "ok", "True")))
        .containsEntry("row_count", 1L);
  }

  @Test
  void an_unclosed_quote_is_a_clear_error() throws Exception {
    Files.writeString(work.resolve("bad.csv"), "a,b\n\"oops,1\n");
    RunResult r = run(TestWorkflow.create().node("r", "ReadCSVNode", "file_path", "bad.csv"));
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.errorMessage()).startsWith("r: bad.csv is not valid CSV: ");
  }
}
