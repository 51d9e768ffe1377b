package com.casarerpa.fleet.workflow.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.casarerpa.fleet.workflow.PathMap;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.validate.IssueCodes;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windows absolute paths in workflows on a robot that is not Windows: mapped, or refused. */
class WindowsPathsTest {
  @TempDir Path work;
  @TempDir Path elsewhere;

  @BeforeEach
  void notOnWindows() {
    assumeFalse(PathMap.WINDOWS_HOST, "on Windows these paths are the host's own");
  }

  private static WorkflowDefinition writeTo(String path) throws Exception {
    return TestWorkflow.create()
        .node("write", "WriteFileNode", "file_path", path, "content", "hello")
        .parse();
  }

  private RunResult run(WorkflowEngine engine, WorkflowDefinition wf) {
    return engine.run(wf, RunOptions.DEFAULTS.withWorkingDirectory(work), null, null);
  }

  @Test
  void the_map_parses_matches_the_longest_prefix_and_ignores_case_and_slash_style() {
    PathMap map = PathMap.parse("C:\\temp=temp; c:/TEMP/deep=/srv/deep\n\\\\nas\\share=/mnt/nas");
    assertThat(map.map("c:/Temp/Sub/a.xlsx"))
        .hasValue(new PathMap.Mapped("temp", List.of("Sub", "a.xlsx")));
    assertThat(map.map("C:\\TEMP\\deep\\x.txt"))
        .hasValue(new PathMap.Mapped("/srv/deep", List.of("x.txt")));
    assertThat(map.map("\\\\NAS\\share\\in\\f.csv"))
        .hasValue(new PathMap.Mapped("/mnt/nas", List.of("in", "f.csv")));
    assertThat(map.map("D:\\temp\\a.txt")).isEmpty();
    assertThat(map.map("C:\\temporary\\a.txt")).isEmpty();
    assertThat(map.map("relative\\a.txt")).isEmpty();
    assertThat(PathMap.parse("  ").isEmpty()).isTrue();
  }

  @Test
  void a_malformed_map_names_the_entry_and_the_format() {
    assertThatThrownBy(() -> PathMap.parse("C:\\temp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'C:\\temp'")
        .hasMessageContaining("WINDOWS_FOLDER=TARGET");
    assertThatThrownBy(() -> PathMap.parse("/tmp=/var/tmp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'/tmp=/var/tmp'");
    assertThatThrownBy(() -> PathMap.parse("C:\\temp="))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void an_unmapped_windows_path_is_refused_before_the_run_naming_the_path_and_the_setting()
      throws Exception {
    try (WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build()) {
      WorkflowDefinition wf = writeTo("C:\\temp\\out.txt");
      assertThat(engine.validate(wf))
          .filteredOn(ValidationIssue::isError)
          .singleElement()
          .satisfies(
              i -> {
                assertThat(i.code()).isEqualTo(IssueCodes.UNMAPPED_WINDOWS_PATH);
                assertThat(i.nodeId()).isEqualTo("write");
                assertThat(i.message())
                    .contains("'C:\\temp\\out.txt'")
                    .contains("(file_path)")
                    .contains("CASARE_PATH_MAP='C:\\temp=");
              });
      RunResult r = run(engine, wf);
      assertThat(r.invalidWorkflow()).isTrue();
      assertThat(r.executedNodes()).isZero();
      assertThat(work).isEmptyDirectory();
    }
  }

  @Test
  void a_relative_target_is_a_folder_of_the_job_folder() throws Exception {
    try (WorkflowEngine engine =
        WorkflowEngine.builder().workRoot(work).pathMap(PathMap.parse("C:\\temp=temp")).build()) {
      WorkflowDefinition wf = writeTo("C:\\temp\\sub\\out.txt");
      assertThat(engine.validate(wf)).filteredOn(ValidationIssue::isError).isEmpty();
      RunResult r = run(engine, wf);
      assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(work.resolve("temp/sub/out.txt")).hasContent("hello");
    }
  }

  @Test
  void an_absolute_target_is_the_operators_folder_even_outside_the_job_folder() throws Exception {
    try (WorkflowEngine engine =
        WorkflowEngine.builder()
            .workRoot(work)
            .pathMap(PathMap.parse("C:\\data=" + elsewhere))
            .build()) {
      RunResult r = run(engine, writeTo("c:/DATA/out.txt"));
      assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(elsewhere.resolve("out.txt")).hasContent("hello");
      // but not beyond it
      RunResult escape = run(engine, writeTo("C:\\data\\..\\..\\escaped.txt"));
      assertThat(escape.status()).isEqualTo(RunStatus.FAILED);
      assertThat(escape.errorMessage()).contains("leaves its mapped folder");
      assertThat(elsewhere.getParent().resolve("escaped.txt")).doesNotExist();
    }
  }

  @Test
  void a_windows_path_made_at_run_time_fails_its_node_with_the_same_advice() throws Exception {
    try (WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build()) {
      WorkflowDefinition wf = writeTo("{{folder}}\\out.txt");
      assertThat(engine.validate(wf)).filteredOn(ValidationIssue::isError).isEmpty();
      RunResult r =
          engine.run(
              wf,
              RunOptions.DEFAULTS
                  .withWorkingDirectory(work)
                  .withVariables(Map.of("folder", "D:\\in")),
              null,
              null);
      assertThat(r.status()).isEqualTo(RunStatus.FAILED);
      assertThat(r.failedNodeId()).isEqualTo("write");
      assertThat(r.errorMessage())
          .contains("'D:\\in\\out.txt' is a Windows path")
          .contains("CASARE_PATH_MAP='D:\\in=");
      assertThat(Files.list(work)).isEmpty();
    }
  }

  @Test
  void triggers_and_disabled_nodes_are_not_checked() throws Exception {
    try (WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build()) {
      WorkflowDefinition wf =
          TestWorkflow.create()
              .node("watch", "FileWatchTriggerNode", "watch_path", "C:\\temp")
              .node("off", "WriteFileNode", "file_path", "C:\\temp\\x.txt", "_disabled", true)
              .node("log", "LogNode", "message", "C:\\temp is only text here")
              .then("watch", "off")
              .then("off", "log")
              .parse();
      assertThat(engine.validate(wf)).filteredOn(ValidationIssue::isError).isEmpty();
      assertThat(run(engine, wf).status()).isEqualTo(RunStatus.COMPLETED);
    }
  }
}
