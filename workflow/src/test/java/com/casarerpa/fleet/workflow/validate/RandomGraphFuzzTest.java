package com.casarerpa.fleet.workflow.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random graphs of built-in nodes with hostile config values: every run ends, and every failure is
 * a readable message rather than a leaked Java exception.
 */
class RandomGraphFuzzTest {
  private static final List<String> TYPES =
      List.of(
          "SetVariableNode",
          "GetVariableNode",
          "IncrementVariableNode",
          "LogNode",
          "MathOperationNode",
          "ComparisonNode",
          "ConcatenateNode",
          "FormatStringNode",
          "TextSplitNode",
          "TextReplaceNode",
          "TextCaseNode",
          "RegexMatchNode",
          "CreateListNode",
          "ListGetItemNode",
          "ListFilterNode",
          "ListMapNode",
          "ListReduceNode",
          "ListSortNode",
          "CreateDictNode",
          "DictGetNode",
          "JsonParseNode",
          "DictToJsonNode",
          "IfNode",
          "SwitchNode",
          "ForLoopStartNode",
          "ForLoopEndNode",
          "WhileLoopStartNode",
          "WhileLoopEndNode",
          "TryNode",
          "CatchNode",
          "ThrowErrorNode",
          "AssertNode",
          "MergeNode",
          "TransformNode",
          "ValidateNode",
          "TextPadNode",
          "DateTimeAddNode",
          "FormatDateTimeNode",
          "ReadFileNode",
          "WriteFileNode",
          "RandomChoiceNode");
  private static final List<String> KEYS =
      List.of(
          "value",
          "variable_name",
          "a",
          "b",
          "operation",
          "operator",
          "message",
          "template",
          "variables",
          "text",
          "pattern",
          "list",
          "index",
          "condition",
          "expression",
          "items",
          "cases",
          "key",
          "dict",
          "json_string",
          "item_1",
          "key_1",
          "value_1",
          "transform_type",
          "length",
          "datetime",
          "file_path",
          "content",
          "key_path");
  private static final List<Object> VALUES =
      List.of(
          "",
          "x",
          "{{v}}",
          "{{n0.result}}",
          "%v%",
          "${missing}",
          "{0}",
          "{v!r:>5}",
          "1 +",
          "v > 1",
          "[1, 2]",
          "{\"a\": 1}",
          "../escape",
          "(",
          "add",
          "divide",
          "==",
          "not a date",
          0,
          -1,
          3,
          1e308,
          -0.0,
          true,
          List.of(1, "a"),
          Map.of("k", List.of()),
          List.of());

  private final Path work;
  private final WorkflowEngine engine;

  RandomGraphFuzzTest() throws Exception {
    work = Files.createTempDirectory("graph-fuzz");
    engine = WorkflowEngine.builder().workRoot(work).build();
  }

  record Spec(String type, Map<String, Object> config) {}

  @Provide
  Arbitrary<List<Spec>> graphs() {
    Arbitrary<Spec> node =
        Combinators.combine(
                Arbitraries.of(TYPES),
                Arbitraries.maps(Arbitraries.of(KEYS), Arbitraries.of(VALUES)).ofMaxSize(5))
            .as(Spec::new);
    return node.list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 600)
  void random_graphs_end_with_readable_errors(
      @ForAll("graphs") List<Spec> nodes, @ForAll("ports") List<String> ports) {
    TestWorkflow wf = TestWorkflow.create();
    for (int i = 0; i < nodes.size(); i++) {
      List<Object> kv = new ArrayList<>();
      nodes
          .get(i)
          .config()
          .forEach(
              (k, v) -> {
                kv.add(k);
                kv.add(v);
              });
      wf.node("n" + i, nodes.get(i).type(), kv.toArray());
      if (i > 0) {
        wf.exec("n" + (i - 1), ports.get(i % ports.size()), "n" + i);
      }
    }
    String outcome = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> outcome(wf));
    net.jqwik.api.statistics.Statistics.collect(outcome);
  }

  private String outcome(TestWorkflow wf) throws Exception {
    WorkflowDefinition def;
    try {
      def = wf.parse();
    } catch (WorkflowValidationException e) {
      return "refused at parse";
    }
    RunOptions options =
        RunOptions.DEFAULTS.withJobTimeout(Duration.ofSeconds(3)).withWorkingDirectory(work);
    RunResult r = engine.run(def, options, null, new CancellationToken());
    if (!r.succeeded()) {
      assertThat(r.errorMessage())
          .isNotBlank()
          .doesNotContain("java.lang")
          .doesNotContain("Exception");
    }
    return r.invalidWorkflow() ? "invalid" : r.status().name();
  }

  @Provide
  Arbitrary<List<String>> ports() {
    return Arbitraries.of(
            "exec_out", "true", "false", "body", "completed", "try_body", "case_0", "default")
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }
}
