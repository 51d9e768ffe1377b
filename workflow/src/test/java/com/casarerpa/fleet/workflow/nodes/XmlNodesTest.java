package com.casarerpa.fleet.workflow.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.template.PythonJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** XML nodes: values as the original computes them, and no XXE. */
class XmlNodesTest {
  @TempDir Path work;

  private RunResult run(TestWorkflow wf) throws Exception {
    return WorkflowEngine.builder()
        .workRoot(work)
        .build()
        .run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(work), null, null);
  }

  @Test
  void external_entities_and_doctypes_are_refused() throws Exception {
    Path secret = Files.writeString(work.resolve("secret.txt"), "TOPSECRET");
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \""
            + secret.toUri()
            + "\">]><r>&x;</r>";
    RunResult r = run(TestWorkflow.create().node("p", "ParseXMLNode", "xml_string", xxe));
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.errorMessage()).contains("DOCTYPE").doesNotContain("TOPSECRET");
    String billion = "<!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><l>&b;</l>";
    RunResult r2 = run(TestWorkflow.create().node("p", "ParseXMLNode", "xml_string", billion));
    assertThat(r2.status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void xpath_element_attribute_and_json_round_trip() throws Exception {
    String xml = "<lib><book id=\"7\">A</book><book id=\"8\">B</book></lib>";
    RunResult r =
        run(
            TestWorkflow.create()
                .node("p", "ParseXMLNode", "xml_string", xml)
                .node("q", "XPathQueryNode", "xpath", "//book[@id='8']")
                .node("e", "GetXMLElementNode", "tag_name", "book", "index", 1)
                .node("a", "GetXMLAttributeNode", "xpath", "book", "attribute_name", "id")
                .node("j", "XMLToJsonNode")
                .node(
                    "x",
                    "JsonToXMLNode",
                    "json_data",
                    Map.of("k", List.of(1, 2)),
                    "pretty_print",
                    false)
                .chain("p", "q", "e", "a", "j", "x"));
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("p"))
        .containsEntry("root_tag", "lib")
        .containsEntry("child_count", 2L);
    assertThat(r.nodeOutputs().get("q"))
        .containsEntry("count", 1L)
        .containsEntry("first_text", "B");
    assertThat(r.nodeOutputs().get("e"))
        .containsEntry("text", "B")
        .containsEntry("attributes", Map.of("id", "8"));
    assertThat(r.nodeOutputs().get("a")).containsEntry("value", "7").containsEntry("found", true);
    assertThat(r.nodeOutputs().get("x"))
        .containsEntry("xml_string", "<root><k>1</k><k>2</k></root>");
    assertThat((String) r.nodeOutputs().get("j").get("json_string"))
        .startsWith("{\n  \"lib\": {\n    \"book\": [");
  }

  @Test
  void json_dumps_uses_pythons_separators_and_escapes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", 1L);
    m.put("b", List.of(1.5, true));
    m.put("é", null);
    assertThat(PythonJson.dumps(m, null, false, true))
        .isEqualTo("{\"a\": 1, \"b\": [1.5, true], \"\\u00e9\": null}");
    assertThat(PythonJson.dumps(Map.of("k", 15.0), 2, false, true))
        .isEqualTo("{\n  \"k\": 15.0\n}");
  }

  @Test
  void dict_to_json_writes_empty_braces_for_a_missing_dict() throws Exception {
    RunResult r = run(TestWorkflow.create().node("d", "DictToJsonNode"));
    assertThat(r.nodeOutputs().get("d")).containsEntry("json_string", "{}");
  }

  @Test
  void a_trigger_mid_chain_passes_through() throws Exception {
    RunResult r =
        run(
            TestWorkflow.create()
                .node("s", "SetVariableNode", "variable_name", "x", "value", 1)
                .node("t", "WebhookTriggerNode")
                .node("i", "IncrementVariableNode", "variable_name", "x")
                .chain("s", "t", "i"));
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.variables()).containsEntry("x", 2.0);
  }
}
