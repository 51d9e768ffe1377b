package com.casarerpa.fleet.workflow.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.RecordingListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlFlowTest {
  @TempDir Path work;
  private final RecordingListener listener = new RecordingListener();

  private RunResult run(TestWorkflow wf) throws Exception {
    return run(wf, Map.of());
  }

  private RunResult run(TestWorkflow wf, Map<String, Object> vars) throws Exception {
    WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build();
    return engine.run(
        wf.parse(),
        RunOptions.DEFAULTS.withVariables(vars).withWorkingDirectory(work),
        listener,
        null);
  }

  @Test
  void if_expression_form_routes_on_the_evaluated_condition() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("if", "IfNode", "expression", "{{amount}} >= 100 and status == 'open'")
            .node("yes", "LogNode", "message", "big", "include_node_id", false)
            .node("no", "LogNode", "message", "small", "include_node_id", false)
            .exec("if", "true", "yes")
            .exec("if", "false", "no");
    assertThat(run(wf, Map.of("amount", 150L, "status", "open")).status())
        .isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages()).containsExactly("big");
  }

  @Test
  void condition_input_port_wins_over_config() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("cmp", "ComparisonNode", "a", 1, "b", 2, "operator", "less than (<)")
            .node("if", "IfNode", "expression", "False")
            .node("yes", "LogNode", "message", "port said yes", "include_node_id", false)
            .then("cmp", "if")
            .exec("if", "true", "yes")
            .connect("cmp", "result", "if", "condition");
    run(wf);
    assertThat(listener.messages()).containsExactly("port said yes");
  }

  @Test
  void switch_routes_case_value_ports_and_default() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("sw", "SwitchNode", "expression", "kind", "cases", List.of("a", "b"))
            .node("b", "LogNode", "message", "got b", "include_node_id", false)
            .node("d", "LogNode", "message", "default", "include_node_id", false)
            .exec("sw", "case_b", "b")
            .exec("sw", "default", "d");
    run(wf, Map.of("kind", "b"));
    run(wf, Map.of("kind", "zzz"));
    assertThat(listener.messages()).containsExactly("got b", "default");
  }

  @Test
  void nested_loops_run_every_inner_pass_for_every_outer_item() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("init", "SetVariableNode", "variable_name", "n", "value", 0)
            .node("outer", "ForLoopStartNode", "items", List.of(1, 2, 3), "item_var", "o")
            .node(
                "inner", "ForLoopStartNode", "mode", "range", "start", 0, "end", 4, "item_var", "i")
            .node("inc", "IncrementVariableNode", "variable_name", "n", "increment", 1)
            .node("inner_end", "ForLoopEndNode", "paired_start_id", "inner")
            .node("outer_end", "ForLoopEndNode", "paired_start_id", "outer")
            .node("log", "LogNode", "message", "n={{n}}", "include_node_id", false)
            .chain("init", "outer")
            .exec("outer", "body", "inner")
            .exec("inner", "body", "inc")
            .then("inc", "inner_end")
            .exec("inner", "completed", "outer_end")
            .exec("outer", "completed", "log");
    RunResult r = run(wf);
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.variables()).containsEntry("n", 12.0);
    assertThat(listener.messages()).containsExactly("n=12.0");
  }

  @Test
  void break_leaves_the_loop_and_continue_skips_the_rest_of_the_pass() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("loop", "ForLoopStartNode", "items", List.of(1, 2, 3, 4, 5, 6))
            .node("skip_two", "IfNode", "expression", "item == 2")
            .node("cont", "ContinueNode")
            .node("stop_at_five", "IfNode", "expression", "item == 5")
            .node("brk", "BreakNode")
            .node("log", "LogNode", "message", "item {{item}}", "include_node_id", false)
            .node("end", "ForLoopEndNode")
            .node("done", "LogNode", "message", "done", "include_node_id", false)
            .exec("loop", "body", "skip_two")
            .exec("skip_two", "true", "cont")
            .exec("skip_two", "false", "stop_at_five")
            .exec("stop_at_five", "true", "brk")
            .exec("stop_at_five", "false", "log")
            .then("log", "end")
            .exec("loop", "completed", "done");
    assertThat(run(wf).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages()).containsExactly("item 1", "item 3", "item 4", "done");
  }

  @Test
  void while_loop_stops_at_max_iterations_with_a_warning() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("w", "WhileLoopStartNode", "expression", "True", "max_iterations", 5)
            .node("inc", "IncrementVariableNode", "variable_name", "k")
            .node("end", "WhileLoopEndNode", "paired_start_id", "w")
            .exec("w", "body", "inc")
            .then("inc", "end");
    RunResult r = run(wf);
    assertThat(r.variables()).containsEntry("k", 5.0);
    assertThat(listener.lines)
        .anyMatch(l -> l.level() == LogLevel.WARNING && l.message().contains("max_iterations=5"));
  }

  @Test
  void try_catch_finally_catches_a_thrown_error_and_runs_cleanup() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("try", "TryNode")
            .node(
                "boom", "ThrowErrorNode", "error_message", "disk on fire", "error_type", "IOError")
            .node("never", "LogNode", "message", "not reached")
            .node("catch", "CatchNode")
            .node(
                "report",
                "LogNode",
                "message",
                "caught {{catch.error_type}}: {{catch.error_message}}",
                "include_node_id",
                false)
            .node("finally", "FinallyNode")
            .node(
                "cleanup",
                "LogNode",
                "message",
                "cleanup had_error={{finally.had_error}}",
                "include_node_id",
                false)
            .node("after", "LogNode", "message", "after", "include_node_id", false)
            .exec("try", "try_body", "boom")
            .then("boom", "never")
            .then("try", "catch")
            .exec("catch", "catch_body", "report")
            .then("catch", "finally")
            .exec("finally", "finally_body", "cleanup")
            .then("finally", "after");
    RunResult r = run(wf);
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages())
        .containsExactly("caught IOError: disk on fire", "cleanup had_error=True", "after");
  }

  @Test
  void an_error_with_only_finally_runs_cleanup_then_fails_the_run() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("try", "TryNode")
            .node("bad", "AssertNode", "expression", "1 > 2", "message", "one is not above two")
            .node("finally", "FinallyNode")
            .node("cleanup", "LogNode", "message", "cleanup", "include_node_id", false)
            .exec("try", "try_body", "bad")
            .then("try", "finally")
            .exec("finally", "finally_body", "cleanup");
    RunResult r = run(wf);
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.failedNodeId()).isEqualTo("bad");
    assertThat(r.errorMessage()).isEqualTo("Assertion failed: one is not above two");
    assertThat(listener.messages()).containsExactly("cleanup");
  }

  @Test
  void retry_reruns_its_body_until_it_succeeds() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("retry", "RetryNode", "max_attempts", 5, "retry_delay", 0)
            .node("count", "IncrementVariableNode", "variable_name", "attempt")
            .node("check", "AssertNode", "expression", "attempt >= 3", "message", "not yet")
            .node(
                "ok",
                "LogNode",
                "message",
                "succeeded on attempt {{attempt}}",
                "include_node_id",
                false)
            .exec("retry", "body", "count")
            .then("count", "check")
            .then("retry", "ok");
    RunResult r = run(wf);
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("retry")).containsEntry("attempts", 3L);
    assertThat(listener.messages()).contains("succeeded on attempt 3.0");
  }

  @Test
  void retry_gives_up_after_max_attempts_naming_the_last_error() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("retry", "RetryNode", "max_attempts", 2, "retry_delay", 0)
            .node("boom", "ThrowErrorNode", "error_message", "still broken")
            .exec("retry", "body", "boom");
    RunResult r = run(wf);
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.failedNodeId()).isEqualTo("retry");
    assertThat(r.errorMessage()).contains("after 2 attempts").contains("still broken");
  }

  @Test
  void a_throw_error_node_with_a_blank_message_still_fails_with_a_readable_error()
      throws Exception {
    TestWorkflow wf = TestWorkflow.create().node("boom", "ThrowErrorNode", "message", "");
    RunResult r = run(wf);
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.failedNodeId()).isEqualTo("boom");
    assertThat(r.errorMessage()).contains("Custom error").contains("boom");
  }

  @Test
  void stop_on_error_fails_the_run_at_the_failing_node() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("div", "MathOperationNode", "a", 1, "b", 0, "operation", "divide")
            .node("after", "LogNode", "message", "after")
            .then("div", "after");
    RunResult r = run(wf);
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.failedNodeId()).isEqualTo("div");
    assertThat(r.errorMessage()).isEqualTo("float division by zero");
    assertThat(listener.messages()).isEmpty();
  }

  @Test
  void continue_on_error_logs_the_failure_and_goes_on() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .setting("stop_on_error", false)
            .node("div", "MathOperationNode", "a", 1, "b", 0, "operation", "divide")
            .node("after", "LogNode", "message", "after", "include_node_id", false)
            .then("div", "after");
    RunResult r = run(wf);
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.lines)
        .anyMatch(l -> l.level() == LogLevel.ERROR && l.nodeId().equals("div"));
    assertThat(listener.messages()).endsWith("after");
  }

  @Test
  void disabled_node_passes_inputs_through_and_succeeds() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("set", "SetVariableNode", "variable_name", "x", "value", 7)
            .node("off", "ThrowErrorNode", "error_message", "should be bypassed", "_disabled", true)
            .node("log", "LogNode", "message", "passed {{off.value}}", "include_node_id", false)
            .chain("set", "off", "log")
            .connect("set", "value", "off", "value");
    RunResult r = run(wf);
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages()).containsExactly("passed 7");
  }

  @Test
  void data_connections_feed_input_ports_with_their_types() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("list", "CreateListNode", "item_1", 3, "item_2", 1, "item_3", 2)
            .node("sort", "ListSortNode")
            .node("sum", "ListReduceNode", "operation", "sum")
            .node(
                "log",
                "LogNode",
                "message",
                "{{sort.result}} sums to {{sum.result}}",
                "include_node_id",
                false)
            .chain("list", "sort", "sum", "log")
            .connect("list", "list", "sort", "list")
            .connect("sort", "result", "sum", "list");
    run(wf);
    assertThat(listener.messages()).containsExactly("[1, 2, 3] sums to 6.0");
  }

  @Test
  void job_payload_variables_override_workflow_defaults_and_progress_reaches_100()
      throws Exception {
    String json =
        """
        {"metadata": {"name": "vars"}, "variables": {"who": {"name": "who", "type": "String", "default_value": "nobody"}},
         "nodes": {"start": {"node_id": "start", "node_type": "StartNode", "config": {}},
                   "log": {"node_id": "log", "node_type": "LogNode", "config": {"message": "hi %s"}}},
         "connections": [{"source_node": "start", "source_port": "exec_out", "target_node": "log", "target_port": "exec_in"}]}
        """
            .replace("%s", "{{who}}");
    WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build();
    var wf = com.casarerpa.fleet.workflow.model.WorkflowDefinition.parse(json);
    engine.run(wf, RunOptions.DEFAULTS.withWorkingDirectory(work), listener, null);
    engine.run(
        wf,
        RunOptions.DEFAULTS.withVariables(Map.of("who", "Ada")).withWorkingDirectory(work),
        listener,
        null);
    assertThat(listener.messages()).containsExactly("[log] hi nobody", "[log] hi Ada");
    assertThat(listener.percents).last().isEqualTo(100);
  }
}
