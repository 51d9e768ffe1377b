package com.casarerpa.fleet.workflow.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileNodesTest {
  @TempDir Path root;

  private RunResult run(WorkflowEngine engine, TestWorkflow wf, Path jobDir) throws Exception {
    return engine.run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(jobDir), null, null);
  }

  @Test
  void paths_outside_the_job_folder_are_refused() throws Exception {
    Path job = Files.createDirectories(root.resolve("job"));
    Path outside = root.resolve("secret.txt");
    Files.writeString(outside, "keep out");
    WorkflowEngine engine = WorkflowEngine.builder().workRoot(root).build();
    for (String path : List.of("../secret.txt", outside.toString())) {
      RunResult r =
          run(
              engine,
              TestWorkflow.create()
                  .node("read", "FileSystemSuperNode", "action", "Read File", "file_path", path),
              job);
      assertThat(r.status()).isEqualTo(RunStatus.FAILED);
      assertThat(r.errorMessage())
          .contains("outside the job's working folder")
          .contains("allowFileAccessOutsideWorkFolder");
    }
  }

  @Test
  void an_explicit_setting_allows_paths_outside_the_job_folder() throws Exception {
    Path job = Files.createDirectories(root.resolve("job"));
    Files.writeString(root.resolve("shared.txt"), "shared");
    WorkflowEngine engine =
        WorkflowEngine.builder().workRoot(root).allowFileAccessOutsideWorkFolder(true).build();
    RunResult r =
        run(
            engine,
            TestWorkflow.create().node("read", "ReadFileNode", "file_path", "../shared.txt"),
            job);
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("read")).containsEntry("content", "shared");
  }

  @Test
  void csv_and_json_files_round_trip() throws Exception {
    WorkflowEngine engine = WorkflowEngine.builder().workRoot(root).build();
    TestWorkflow wf =
        TestWorkflow.create()
            .node(
                "wcsv",
                "WriteCSVNode",
                "file_path",
                "out/people.csv",
                "data",
                List.of(Map.of("name", "Ada, L.", "age", 36)))
            .node("rcsv", "ReadCSVNode", "file_path", "out/people.csv")
            .node("wjson", "WriteJSONFileNode", "file_path", "d.json", "data", "{{rcsv.data}}")
            .node("rjson", "ReadJSONFileNode", "file_path", "d.json")
            .chain("wcsv", "rcsv", "wjson", "rjson");
    RunResult r = run(engine, wf, root);
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("rjson").get("data"))
        .isEqualTo(List.of(Map.of("name", "Ada, L.", "age", "36")));
  }

  @Test
  void a_folder_the_engine_created_is_removed_after_the_run() throws Exception {
    Path workRoot = root.resolve("engine-root");
    try (WorkflowEngine engine = WorkflowEngine.builder().workRoot(workRoot).build()) {
      RunResult r =
          engine.run(
              TestWorkflow.create()
                  .node("w", "WriteFileNode", "file_path", "scratch.txt", "content", "x")
                  .parse(),
              RunOptions.DEFAULTS,
              null,
              null);
      assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    }
    try (var left = Files.list(workRoot)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void run_command_is_refused_unless_the_robot_allows_it() throws Exception {
    TestWorkflow wf = TestWorkflow.create().node("cmd", "RunCommandNode", "command", "echo hello");
    RunResult refused = run(WorkflowEngine.builder().workRoot(root).build(), wf, root);
    assertThat(refused.status()).isEqualTo(RunStatus.FAILED);
    assertThat(refused.invalidWorkflow()).isTrue(); // refused at validation, before any node
    assertThat(refused.executedNodes()).isZero();
    assertThat(refused.errorMessage())
        .contains("needs capability host")
        .contains("allowRunCommand");
    RunResult allowed =
        run(WorkflowEngine.builder().workRoot(root).allowRunCommand(true).build(), wf, root);
    assertThat(allowed.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(allowed.nodeOutputs().get("cmd"))
        .containsEntry("stdout", "hello\n")
        .containsEntry("return_code", 0L);
  }
}
