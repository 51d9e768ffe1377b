package com.casarerpa.fleet.workflow.nodes;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Built-in nodes with the original's config keys and outputs. */
class NodeLibraryTest {
  @TempDir Path work;
  private final RecordingListener listener = new RecordingListener();

  private RunResult run(TestWorkflow wf, Map<String, Object> vars) throws Exception {
    RunResult r =
        WorkflowEngine.builder()
            .workRoot(work)
            .build()
            .run(
                wf.parse(),
                RunOptions.DEFAULTS.withVariables(vars).withWorkingDirectory(work),
                listener,
                null);
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    return r;
  }

  @Test
  void text_nodes_use_the_original_keys_and_outputs() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("trim", "TextTrimNode", "text", "  Hello World!  ")
            .node(
                "replace",
                "TextReplaceNode",
                "text",
                "{{trim.result}}",
                "old_value",
                "World",
                "new_value",
                "Robot")
            .node(
                "contains",
                "TextContainsNode",
                "text",
                "{{replace.result}}",
                "search",
                "robot",
                "case_sensitive",
                false)
            .node("split", "TextSplitNode", "text", "a,b,,c", "separator", ",")
            .node("pad", "TextPadNode", "text", "42", "length", 5, "pad_char", "0")
            .node(
                "extract",
                "TextExtractNode",
                "text",
                "mail me: ada@example.com",
                "pattern",
                "(\\w+)@example")
            .node(
                "fmt",
                "FormatStringNode",
                "template",
                "{who:>6}|{n:.1f}",
                "variables",
                Map.of("who", "ada", "n", 2))
            .chain("trim", "replace", "contains", "split", "pad", "extract", "fmt");
    RunResult r = run(wf, Map.of());
    Map<String, Map<String, Object>> out = r.nodeOutputs();
    assertThat(out.get("replace"))
        .containsEntry("result", "Hello Robot!")
        .containsEntry("replacements", 1L);
    assertThat(out.get("contains")).containsEntry("contains", true).containsEntry("position", 6L);
    assertThat(out.get("split"))
        .containsEntry("result", List.of("a", "b", "", "c"))
        .containsEntry("count", 4L);
    assertThat(out.get("pad")).containsEntry("result", "00042");
    assertThat(out.get("extract"))
        .containsEntry("match", "ada@example")
        .containsEntry("groups", List.of("ada"));
    assertThat(out.get("fmt")).containsEntry("result", "   ada|2.0");
  }

  @Test
  void list_and_dict_nodes_follow_python_semantics() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node(
                "filter",
                "ListFilterNode",
                "list",
                "{{people}}",
                "condition",
                "greater_than",
                "value",
                30,
                "key_path",
                "age")
            .node(
                "names",
                "ListMapNode",
                "list",
                "{{filter.result}}",
                "transform",
                "get_property",
                "key_path",
                "name")
            .node(
                "avg",
                "ListReduceNode",
                "list",
                "{{people}}",
                "operation",
                "avg",
                "key_path",
                "age")
            .node(
                "dict",
                "CreateDictNode",
                "key_1",
                "a",
                "value_1",
                1,
                "key_2",
                "b",
                "value_2",
                "{{names.result}}")
            .node("has", "DictHasKeyNode", "dict", "{{dict.dict}}", "key", "b")
            .node("json", "DictToJsonNode", "dict", "{{dict.dict}}")
            .node(
                "log",
                "LogNode",
                "message",
                "{{names.result}} avg={{avg.result}} {{dict.dict}}",
                "include_node_id",
                false)
            .chain("filter", "names", "avg", "dict", "has", "json", "log");
    run(
        wf,
        Map.of(
            "people",
            List.of(
                Map.of("name", "Ada", "age", 36),
                Map.of("name", "Bob", "age", 25),
                Map.of("name", "Cy", "age", 41))));
    assertThat(listener.messages())
        .containsExactly("['Ada', 'Cy'] avg=34.0 {'a': 1, 'b': ['Ada', 'Cy']}");
  }

  @Test
  void for_loop_reads_list_var_and_reports_keys_for_dicts() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("loop", "ForLoopStartNode", "list_var", "prices", "item_var", "price")
            .node("log", "LogNode", "message", "{{price_key}}={{price}}", "include_node_id", false)
            .node("end", "ForLoopEndNode")
            .exec("loop", "body", "log")
            .then("log", "end");
    run(wf, Map.of("prices", Map.of("tea", 2.5)));
    assertThat(listener.messages()).containsExactly("tea=2.5");
  }

  @Test
  void system_variables_and_date_nodes_use_the_engine_clock() throws Exception {
    java.time.Clock clock =
        java.time.Clock.fixed(
            java.time.Instant.parse("2026-03-04T05:06:07Z"), java.time.ZoneOffset.UTC);
    TestWorkflow wf =
        TestWorkflow.create()
            .node("now", "GetCurrentDateTimeNode", "format", "%d/%m/%Y %H:%M")
            .node(
                "later",
                "DateTimeAddNode",
                "datetime",
                "{{$currentDateTime}}",
                "amount",
                2,
                "unit",
                "days")
            .node(
                "log",
                "LogNode",
                "message",
                "{{$currentDate}} {{$currentTime}} {{$timestamp}} {{now.datetime}} {{later.result}}",
                "include_node_id",
                false)
            .chain("now", "later", "log");
    RunResult r =
        WorkflowEngine.builder()
            .clock(clock)
            .workRoot(work)
            .build()
            .run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(work), listener, null);
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages())
        .containsExactly("2026-03-04 05:06:07 1772600767 04/03/2026 05:06 2026-03-06T05:06:07Z");
  }

  @Test
  void on_error_runs_the_handler_and_the_finally_branch() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("guard", "OnErrorNode")
            .node("boom", "ThrowErrorNode", "error_message", "bad input")
            .node(
                "handle",
                "LogNode",
                "message",
                "handled: {{guard.error_message}}",
                "include_node_id",
                false)
            .node("always", "LogNode", "message", "finally", "include_node_id", false)
            .exec("guard", "protected_body", "boom")
            .exec("guard", "on_error", "handle")
            .exec("guard", "finally", "always");
    run(wf, Map.of());
    assertThat(listener.messages()).containsExactly("handled: bad input", "finally");
  }

  @Test
  void validate_node_routes_valid_and_invalid() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("check", "ValidateNode", "value", "{{email}}", "validation_type", "is_email")
            .node("ok", "LogNode", "message", "ok", "include_node_id", false)
            .node(
                "bad",
                "LogNode",
                "message",
                "bad: {{check.error_message}}",
                "include_node_id",
                false)
            .exec("check", "valid", "ok")
            .exec("check", "invalid", "bad");
    run(wf, Map.of("email", "ada@example.com"));
    run(wf, Map.of("email", "nope"));
    assertThat(listener.messages()).containsExactly("ok", "bad: value 'nope' failed is_email");
  }
}
