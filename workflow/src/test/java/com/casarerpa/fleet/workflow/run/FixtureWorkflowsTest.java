package com.casarerpa.fleet.workflow.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.Fixtures;
import com.casarerpa.fleet.workflow.RecordingListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every fixture reaches the intended result recorded in the fixtures' index.md. */
class FixtureWorkflowsTest {
  @TempDir Path work;

  private final RecordingListener listener = new RecordingListener();

  private RunResult run(String fixture) throws Exception {
    WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build();
    RunResult result =
        engine.run(
            Fixtures.load(fixture), RunOptions.DEFAULTS.withWorkingDirectory(work), listener, null);
    assertThat(result.issues()).noneMatch(ValidationIssue::isError);
    assertThat(result.status())
        .as("%s: %s", fixture, result.errorMessage())
        .isEqualTo(RunStatus.COMPLETED);
    return result;
  }

  @Test
  void task_9_auto_starts_and_logs_the_dict_the_python_way() throws Exception {
    run("task_9.json");
    assertThat(listener.messages())
        .containsExactly("[log_dict_output] Dictionary content: {'status': 'ok', 'code': 200}");
  }

  @Test
  void task_10_sets_final_result_to_float_15_and_logs_it() throws Exception {
    RunResult r = run("task_10.json");
    assertThat(r.variables()).containsEntry("final_result", 15.0).containsEntry("VarB", 10L);
    assertThat(listener.messages()).containsExactly("[log_result] The final value is: 15.0");
  }

  @Test
  void task_3_chains_math_through_node_outputs() throws Exception {
    RunResult r = run("task_3.json");
    assertThat(listener.messages()).containsExactly("[log_result] The final result is: 40.0");
    assertThat(r.executedNodes()).isEqualTo(5);
  }

  @Test
  void task_2_formats_a_greeting_from_a_dict() throws Exception {
    run("task_2.json");
    assertThat(listener.messages())
        .containsExactly("[log_result] Hello, my name is Alice and I am 30 years old");
  }

  @Test
  void task_1_sums_the_list_in_a_for_loop() throws Exception {
    RunResult r = run("task_1.json");
    assertThat(r.variables()).containsEntry("total_sum", 15.0);
    assertThat(listener.messages()).containsExactly("[log_total] The total sum is: 15.0");
    assertThat(r.outputJson().at("/variables/numbers").toString()).isEqualTo("[1,2,3,4,5]");
    assertThat(r.outputJson().at("/node_outputs/add_operation/result").doubleValue())
        .isEqualTo(15.0);
    assertThat(r.invalidWorkflow()).isFalse();
  }

  @Test
  void task_6_logs_only_numbers_above_20() throws Exception {
    run("task_6.json");
    assertThat(listener.messages())
        .containsExactly(
            "[log_number] Found number greater than 20: 25",
            "[log_number] Found number greater than 20: 40");
  }

  @Test
  void task_7_writes_and_reads_a_file_in_the_job_folder() throws Exception {
    run("task_7.json");
    assertThat(Files.readString(work.resolve("power_test.txt"))).isEqualTo("CasareRPA is powerful");
    assertThat(listener.messages())
        .containsExactly("[log_content_length] The content length is: 21 bytes.");
  }

  @Test
  void one_engine_runs_one_definition_on_many_threads_at_once() throws Exception {
    WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build();
    var wf = Fixtures.load("batch_1_5_control_flow.json");
    try (var threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
      var runs = new java.util.ArrayList<java.util.concurrent.Future<RunResult>>();
      for (int i = 0; i < 64; i++) {
        runs.add(
            threads.submit(
                () -> engine.run(wf, RunOptions.DEFAULTS.withWorkingDirectory(work), null, null)));
      }
      for (var run : runs) {
        RunResult r = run.get();
        assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(r.variables())
            .containsEntry("counter", 3.0)
            .containsEntry("switch_val", "option_b");
        assertThat(r.executedNodes()).isEqualTo(38);
      }
    }
  }

  @Test
  void batch_1_5_takes_every_intended_branch() throws Exception {
    run("batch_1_5_control_flow.json");
    assertThat(listener.messages())
        .containsExactly(
            "[log_true] Value is greater than 50",
            "[log_item] Item: A",
            "[log_item] Item: B",
            "[log_item] Item: C",
            "[log_counter] Counter: 1.0",
            "[log_counter] Counter: 2.0",
            "[log_counter] Counter: 3.0",
            "[log_option_b] Selected: Option B",
            "[log_result] All control flow tests passed!");
  }
}
