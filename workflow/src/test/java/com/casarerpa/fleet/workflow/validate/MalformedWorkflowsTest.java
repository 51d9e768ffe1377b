package com.casarerpa.fleet.workflow.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.casarerpa.fleet.workflow.Fixtures;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of broken workflows: each is refused with the original's code and a message naming the
 * node.
 */
class MalformedWorkflowsTest {
  private static final WorkflowEngine ENGINE = WorkflowEngine.builder().build();

  private static String node(String id, String type, String config) {
    return "\""
        + id
        + "\": {\"node_id\": \""
        + id
        + "\", \"node_type\": \""
        + type
        + "\", \"config\": "
        + config
        + "}";
  }

  private static String wf(String nodes, String connections) {
    return "{\"metadata\": {\"name\": \"m\"}, \"nodes\": {"
        + nodes
        + "}, \"connections\": ["
        + connections
        + "]}";
  }

  private static String conn(String a, String ap, String b, String bp) {
    return "{\"source_node\": \""
        + a
        + "\", \"source_port\": \""
        + ap
        + "\", \"target_node\": \""
        + b
        + "\", \"target_port\": \""
        + bp
        + "\"}";
  }

  static Stream<Arguments> corpus() {
    String log = node("log", "LogNode", "{\"message\": \"x\"}");
    return Stream.of(
        Arguments.of("not json", "{nodes: ", "INVALID_JSON", null),
        Arguments.of("array root", "[1, 2]", "INVALID_TYPE", null),
        Arguments.of(
            "no nodes key", "{\"metadata\": {\"name\": \"m\"}}", "MISSING_REQUIRED_KEY", null),
        Arguments.of("empty nodes", wf("", ""), "EMPTY_WORKFLOW", null),
        Arguments.of(
            "nodes as a list", "{\"nodes\": [{\"node_id\": \"a\"}]}", "INVALID_TYPE", null),
        Arguments.of(
            "id mismatch",
            "{\"nodes\": {\"a\": {\"node_id\": \"b\", \"node_type\": \"LogNode\"}}}",
            "NODE_ID_MISMATCH",
            "a"),
        Arguments.of(
            "missing type",
            "{\"nodes\": {\"a\": {\"node_id\": \"a\"}}}",
            "MISSING_REQUIRED_FIELD",
            "a"),
        Arguments.of(
            "duplicate node id",
            "{\"nodes\": {" + log + ", " + log + "}}",
            "DUPLICATE_NODE_ID",
            null),
        Arguments.of(
            "duplicate config key",
            wf(node("a", "LogNode", "{\"message\": \"x\", \"message\": \"y\"}"), ""),
            "INVALID_JSON",
            null),
        Arguments.of(
            "config not an object", wf(node("a", "LogNode", "[1]"), ""), "INVALID_CONFIG", "a"),
        Arguments.of(
            "unknown type", wf(node("a", "HTTPSuperNode", "{}"), ""), "NOT_IN_ORIGINAL", "a"),
        Arguments.of(
            "browser type",
            wf(node("click", "ClickElementNode", "{}"), ""),
            "NEEDS_CAPABILITY",
            "click"),
        Arguments.of(
            "desktop type", wf(node("xl", "MouseClickNode", "{}"), ""), "NEEDS_CAPABILITY", "xl"),
        Arguments.of(
            "orphaned connection",
            wf(log, conn("log", "exec_out", "ghost", "exec_in")),
            "ORPHANED_CONNECTION",
            "ghost"),
        Arguments.of(
            "self connection",
            wf(log, conn("log", "exec_out", "log", "exec_in")),
            "SELF_CONNECTION",
            "log"),
        Arguments.of(
            "connection missing a field",
            wf(log, "{\"source_node\": \"log\"}"),
            "MISSING_REQUIRED_FIELD",
            null),
        Arguments.of(
            "exec cycle",
            wf(
                node("a", "LogNode", "{}") + "," + node("b", "LogNode", "{}"),
                conn("a", "exec_out", "b", "exec_in")
                    + ","
                    + conn("b", "exec_out", "a", "exec_in")),
            "CIRCULAR_DEPENDENCY",
            null),
        Arguments.of(
            "deny-listed config",
            wf(node("a", "LogNode", "{\"message\": \"__import__('os')\"}"), ""),
            "DANGEROUS_CONTENT",
            "a"),
        Arguments.of(
            "config too deep",
            wf(node("a", "LogNode", "{\"x\": " + "[".repeat(12) + "]".repeat(12) + "}"), ""),
            "INVALID_CONFIG",
            "a"),
        Arguments.of(
            "config string too long",
            wf(node("a", "LogNode", "{\"message\": \"" + "x".repeat(10_001) + "\"}"), ""),
            "LIMIT_EXCEEDED",
            "a"),
        Arguments.of(
            "bad expression",
            wf(node("if", "IfNode", "{\"expression\": \"1 +\"}"), ""),
            "INVALID_CONFIG",
            "if"),
        Arguments.of(
            "loop end paired to nothing",
            wf(node("end", "ForLoopEndNode", "{\"paired_start_id\": \"nope\"}"), ""),
            "INVALID_CONFIG",
            "end"),
        Arguments.of(
            "unknown math operation",
            wf(node("m", "MathOperationNode", "{\"operation\": \"teleport\"}"), ""),
            "INVALID_CONFIG",
            "m"),
        Arguments.of("not gzip after all", "\u001f\u008b garbage", "INVALID_JSON", null));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("corpus")
  void malformed_workflow_is_refused_with_the_original_code(
      String what, String json, String code, String nodeId) {
    List<ValidationIssue> issues =
        issuesOf(
            json.getBytes(
                what.startsWith("not gzip")
                    ? StandardCharsets.ISO_8859_1
                    : StandardCharsets.UTF_8));
    assertThat(issues).filteredOn(ValidationIssue::isError).isNotEmpty();
    assertThat(issues)
        .filteredOn(i -> i.code().equals(code))
        .as("%s: %s", what, issues)
        .isNotEmpty()
        .allSatisfy(
            i -> {
              assertThat(i.message()).isNotBlank();
              if (nodeId != null) {
                assertThat(i.nodeId()).isEqualTo(nodeId);
                assertThat(i.message()).contains(nodeId);
              }
            });
  }

  static List<ValidationIssue> issuesOf(byte[] data) {
    try {
      return ENGINE.validate(WorkflowDefinition.parse(data));
    } catch (WorkflowValidationException e) {
      return e.issues();
    }
  }

  @Test
  void unknown_type_suggests_the_right_spelling() {
    List<ValidationIssue> issues =
        issuesOf(wf(node("h", "HTTPSuperNode", "{}"), "").getBytes(StandardCharsets.UTF_8));
    assertThat(issues.getFirst().message()).contains("Did you mean 'HttpSuperNode'?");
  }

  @Test
  void known_but_unsupported_originals_say_why() {
    List<ValidationIssue> issues =
        issuesOf(wf(node("fork", "ForkNode", "{}"), "").getBytes(StandardCharsets.UTF_8));
    assertThat(issues)
        .filteredOn(ValidationIssue::isError)
        .singleElement()
        .satisfies(
            i ->
                assertThat(i.message())
                    .contains("ForkNode")
                    .contains("parallel branches are not supported"));
  }

  @Test
  void browser_nodes_are_refused_before_the_run_starts() throws Exception {
    RunResult r =
        ENGINE.run(
            TestWorkflow.create().node("nav", "GoToURLNode", "url", "https://example.com").parse(),
            RunOptions.DEFAULTS,
            null,
            null);
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.executedNodes()).isZero();
    assertThat(r.errorMessage()).contains("needs capability browser");
    assertThat(r.invalidWorkflow()).isTrue();
  }

  @Test
  void warnings_are_reported_but_do_not_stop_the_run() throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("start", "StartNode")
            .node("a", "LogNode", "message", "a")
            .node("island", "LogNode", "message", "never")
            .then("start", "a");
    RunResult r = ENGINE.run(wf.parse(), RunOptions.DEFAULTS, null, null);
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.issues())
        .anyMatch(
            i ->
                i.code().equals("UNREACHABLE_NODES")
                    && i.message().contains("island")
                    && !i.isError());
  }

  @Test
  void a_workflow_stored_as_a_json_string_parses() throws Exception {
    var stored = com.fasterxml.jackson.databind.node.TextNode.valueOf(Fixtures.text("task_9.json"));
    assertThat(WorkflowDefinition.parse(stored).nodes())
        .containsKeys("create_status_dict", "log_dict_output");
  }

  @Test
  void gzip_workflows_parse_like_plain_ones() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(Fixtures.text("task_9.json").getBytes(StandardCharsets.UTF_8));
    }
    WorkflowDefinition wf = WorkflowDefinition.parse(bytes.toByteArray());
    assertThat(wf.nodes()).containsKeys("create_status_dict", "log_dict_output");
    assertThat(ENGINE.validate(wf)).noneMatch(ValidationIssue::isError);
  }

  @Test
  void the_exception_lists_every_error() {
    assertThatThrownBy(
            () ->
                WorkflowDefinition.parse(
                    wf(node("a", "X", "{}") + "," + "\"b\": {\"node_id\": \"c\"}", "")))
        .isInstanceOf(WorkflowValidationException.class)
        .satisfies(
            e ->
                assertThat(((WorkflowValidationException) e).errors())
                    .extracting(ValidationIssue::code)
                    .contains("NODE_ID_MISMATCH", "MISSING_REQUIRED_FIELD"));
  }
}
