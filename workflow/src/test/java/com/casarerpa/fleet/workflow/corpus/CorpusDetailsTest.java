package com.casarerpa.fleet.workflow.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.RecordingListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lines index.md expects from particular corpus files, beyond the README table's last line. */
class CorpusDetailsTest {
  @TempDir Path work;
  private final RecordingListener listener = new RecordingListener();

  private RunResult run(String file, WorkflowEngine engine) throws Exception {
    return run(CorpusWorkflowsTest.load(file), engine);
  }

  private RunResult run(WorkflowDefinition wf, WorkflowEngine engine) {
    return engine.run(wf, RunOptions.DEFAULTS.withWorkingDirectory(work), listener, null);
  }

  private RunResult run(String file) throws Exception {
    return run(file, WorkflowEngine.builder().workRoot(work).build());
  }

  @Test
  void task_8_counts_with_the_originals_float_increment() throws Exception {
    assertThat(run("task_8").status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages())
        .containsExactly(
            "[log_counter] Current counter value: 0",
            "[log_counter] Current counter value: 1.0",
            "[log_counter] Current counter value: 2.0",
            "[log_counter] Current counter value: 3.0");
  }

  @Test
  void task_4_deletes_the_file_when_present_and_says_so_when_absent() throws Exception {
    assertThat(run("task_4").status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages()).containsExactly("[log_not_found] File does not exist");

    listener.lines.clear();
    Files.writeString(work.resolve("stress_test_file.txt"), "x");
    RunResult r = run("task_4");
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(work.resolve("stress_test_file.txt")).doesNotExist();
    assertThat(listener.messages()).isEmpty();
    assertThat(r.nodeOutputs().get("delete_file")).containsEntry("deleted", true);
  }

  @Test
  void corpus_values_are_the_originals() throws Exception {
    // IncrementVariableNode yields a float; DictToJsonNode is json.dumps (", " and ": ")
    RunResult vars = run("batch_1_1_variables");
    assertThat(vars.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(vars.nodeOutputs().get("increment_counter")).containsEntry("value", 52.0);
    assertThat(vars.nodeOutputs().get("dict_to_json"))
        .containsEntry(
            "json_string",
            "{\"name\": \"Alice\", \"age\": 30, \"city\": \"NYC\", \"country\": \"USA\", \"y\": 200}");
    // "{}" for a missing dict
    RunResult dicts = run("batch_7_1_dict");
    assertThat(dicts.nodeOutputs().get("dict_to_json")).containsEntry("json_string", "{}");
    // an unresolved {{node.port}} list reference is [] (ListSortNode's port is result, not
    // sorted_list; ListUniqueNode's is result, not unique_list)
    RunResult lists = run("batch_1_2_lists");
    assertThat(lists.nodeOutputs().get("list_reverse")).containsEntry("result", List.of());
    assertThat(lists.nodeOutputs().get("list_slice")).containsEntry("result", List.of());
    assertThat(lists.nodeOutputs().get("list_sort"))
        .containsEntry("result", List.of(1L, 3L, 3L, 5L, 8L, 9L, 10L));
    // RandomNumberNode: integer_only defaults to false, so a float in [min_value, max_value]
    RunResult utility = run("batch_5_1_utility");
    assertThat(utility.nodeOutputs().get("random_number").get("result"))
        .isInstanceOfSatisfying(Double.class, d -> assertThat(d).isBetween(1.0, 100.0));
    // FileSystemSuperNode's port names (the older names stay as aliases)
    RunResult files = run("batch_2_1_files");
    Path dir = work.toAbsolutePath().normalize().resolve("test_output/node_tests_v2");
    Map<String, Map<String, Object>> out = files.nodeOutputs();
    assertThat(out.get("fs_mkdir")).containsEntry("dir_path", dir.toString());
    assertThat(out.get("fs_exists")).containsEntry("is_dir", false).containsEntry("is_file", true);
    assertThat(out.get("fs_copy"))
        .containsEntry("dest_path", dir.resolve("test_copy.txt").toString())
        .containsEntry("bytes_copied", 22L);
    assertThat(out.get("fs_list"))
        .containsEntry(
            "items",
            List.of(dir.resolve("test.txt").toString(), dir.resolve("test_copy.txt").toString()));
    assertThat(out.get("fs_delete"))
        .containsEntry("deleted_path", dir.resolve("test_moved.txt").toString());
  }

  @Test
  void batch_1_3_reverses_hello() throws Exception {
    assertThat(run("batch_1_3_strings").status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages()).anyMatch(m -> m.contains("Reversed: olleH"));
  }

  @Test
  void trigger_files_log_every_line_through_pass_through_triggers() throws Exception {
    assertThat(run("batch_6_1_triggers").status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages())
        .containsExactly(
            "[log_schedule] ScheduleTriggerNode executed successfully",
            "[log_filewatch] FileWatchTriggerNode executed successfully",
            "[log_webhook] WebhookTriggerNode executed successfully",
            "[log_result] All trigger nodes instantiated and configured successfully!");
  }

  @Test
  void batch_7_4_runs_the_xml_chain_on_the_parsed_document() throws Exception {
    RunResult r = run("batch_7_4_xml");
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("xpath_query")).containsEntry("count", 1L);
    assertThat(r.nodeOutputs().get("get_xml_element")).containsEntry("text", "Test");
    assertThat(r.nodeOutputs().get("xml_to_json"))
        .containsEntry(
            "json_data",
            Map.of(
                "root", Map.of("item", Map.of("@attributes", Map.of("id", "1"), "#text", "Test"))));
    assertThat((String) r.nodeOutputs().get("json_to_xml").get("xml_string"))
        .contains("<item id=\"1\">Test</item>");
  }

  @Test
  void batch_5_2_evaluates_the_expression_but_refuses_the_python_script() throws Exception {
    RunResult r = run("batch_5_2_expression");
    assertThat(r.invalidWorkflow()).isTrue();
    assertThat(r.issues())
        .filteredOn(ValidationIssue::isError)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.nodeId()).isEqualTo("run_python");
              assertThat(i.message()).contains("needs capability host");
            });
  }

  @Test
  void batch_2_3_is_refused_at_validation_unless_the_robot_allows_host_nodes() throws Exception {
    WorkflowEngine plain = WorkflowEngine.builder().workRoot(work).build();
    assertThat(plain.validate(CorpusWorkflowsTest.load("batch_2_3_system")))
        .filteredOn(ValidationIssue::isError)
        .extracting(ValidationIssue::nodeId)
        .containsExactlyInAnyOrder("system_info", "run_command");
    RunResult r =
        run(
            "batch_2_3_system",
            WorkflowEngine.builder().workRoot(work).allowRunCommand(true).build());
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.issues())
        .anySatisfy(
            i -> {
              assertThat(i.code()).isEqualTo("UNUSED_CONFIG_KEY");
              assertThat(i.nodeId()).isEqualTo("wait_node");
              assertThat(i.message()).contains("'seconds'").contains("duration");
            });
  }

  @Test
  void batch_1_4_and_8_6_are_refused_naming_the_originals_own_failure() throws Exception {
    RunResult math = run("batch_1_4_math");
    assertThat(math.executedNodes()).isZero();
    assertThat(math.issues())
        .filteredOn(ValidationIssue::isError)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.code()).isEqualTo("INVALID_CONFIG");
              assertThat(i.nodeId()).isEqualTo("math_length");
              assertThat(i.message())
                  .contains("fails here too")
                  .contains("\"Unknown operation: length\"")
                  .contains("TextLengthNode");
            });
    RunResult lists = run("batch_8_6_more_list");
    assertThat(lists.executedNodes()).isZero();
    assertThat(lists.issues())
        .filteredOn(ValidationIssue::isError)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.nodeId()).isEqualTo("structured_data");
              assertThat(i.message())
                  .contains("fails here too")
                  .contains("\"Unknown action: parse\"");
            });
    // and the node before it would fail first, in the original as here: said by a warning
    assertThat(lists.issues())
        .filteredOn(i -> i.code().equals("MISSING_INPUT"))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.isError()).isFalse();
              assertThat(i.nodeId()).isEqualTo("random_choice");
              assertThat(i.message()).contains("\"items list cannot be empty\"");
            });
    assertThat(
            WorkflowEngine.builder()
                .workRoot(work)
                .build()
                .validate(CorpusWorkflowsTest.load("batch_7_7_documents")))
        .filteredOn(i -> i.code().equals("MISSING_INPUT"))
        .extracting(ValidationIssue::nodeId)
        .containsExactly("pdf_merge", "pdf_split");
  }

  @Test
  void host_nodes_are_refused_by_validate_not_at_their_turn_in_a_run() throws Exception {
    TestWorkflow chain = TestWorkflow.create();
    for (int i = 1; i <= 7; i++) {
      chain.node("set" + i, "SetVariableNode", "variable_name", "v" + i, "value", i);
    }
    chain.node("cmd", "RunCommandNode", "command", "echo hi");
    chain.chain("set1", "set2", "set3", "set4", "set5", "set6", "set7", "cmd");
    var wf = chain.parse();
    WorkflowEngine plain = WorkflowEngine.builder().workRoot(work).build();
    assertThat(plain.validate(wf))
        .filteredOn(ValidationIssue::isError)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.code()).isEqualTo("NEEDS_CAPABILITY");
              assertThat(i.nodeId()).isEqualTo("cmd");
              assertThat(i.message()).contains("needs capability host").contains("allowRunCommand");
            });
    RunResult r = run(wf, plain);
    assertThat(r.invalidWorkflow()).isTrue();
    assertThat(r.executedNodes()).as("no node ran, not even the first seven").isZero();
    assertThat(WorkflowEngine.builder().workRoot(work).allowRunCommand(true).build().validate(wf))
        .filteredOn(ValidationIssue::isError)
        .isEmpty();
    // the original's other host modules are refused alike, by validate alone
    assertThat(plain.validate(CorpusWorkflowsTest.load("batch_8_7_more_system")))
        .filteredOn(i -> i.message().contains("needs capability host"))
        .extracting(ValidationIssue::nodeId)
        .containsExactlyInAnyOrder(
            "env_var",
            "process_list",
            "process_kill",
            "list_services",
            "get_service_status",
            "run_batch",
            "run_python_file");
  }

  @Test
  void validate_warns_about_config_keys_the_node_does_not_read() throws Exception {
    WorkflowEngine plain = WorkflowEngine.builder().workRoot(work).build();
    assertThat(plain.validate(CorpusWorkflowsTest.load("batch_7_2_error_handling")))
        .filteredOn(i -> i.code().equals("UNUSED_CONFIG_KEY"))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.isError()).isFalse();
              assertThat(i.nodeId()).isEqualTo("retry_node");
              assertThat(i.message()).contains("'max_retries'").contains("max_attempts");
            });
    // batch_7_6's keys the original ignores too (it reads save_path and mark_as): warnings, and
    // the Windows path under the ignored 'path' key is not refused
    assertThat(plain.validate(CorpusWorkflowsTest.load("batch_7_6_email")))
        .filteredOn(i -> i.code().equals("UNUSED_CONFIG_KEY"))
        .extracting(
            ValidationIssue::nodeId,
            i -> i.message().contains("'path'") || i.message().contains("'as_read'"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("save_attachment", true),
            org.assertj.core.groups.Tuple.tuple("mark_email", true));
    assertThat(plain.validate(CorpusWorkflowsTest.load("batch_7_6_email")))
        .noneMatch(i -> i.code().equals("UNMAPPED_WINDOWS_PATH"));
  }

  @Test
  void service_files_need_credentials_from_the_robot_not_the_workflow() throws Exception {
    RunResult r = run("batch_7_3_ftp");
    assertThat(r.executedNodes()).isZero();
    assertThat(r.issues())
        .filteredOn(ValidationIssue::isError)
        .allSatisfy(i -> assertThat(i.code()).isEqualTo("NEEDS_CREDENTIALS"))
        .hasSize(8);
    assertThat(r.errorMessage()).contains("needs ftp credentials").contains("robot's credentials");

    WorkflowEngine withCredentials =
        WorkflowEngine.builder()
            .workRoot(work)
            .credentials(
                CredentialsProvider.of(
                    Map.of("gmail", Map.of("access_token", "t"), "llm", Map.of("api_key", "k"))))
            .build();
    assertThat(withCredentials.validate(CorpusWorkflowsTest.load("batch_8_1_gmail")))
        .filteredOn(ValidationIssue::isError)
        .isEmpty();
    // a service family without a built-in client: credentials alone do not make it run
    assertThat(
            withCredentials.validate(
                com.casarerpa.fleet.workflow.TestWorkflow.create()
                    .node("ask", "LLMCompletionNode", "prompt", "hi")
                    .parse()))
        .filteredOn(ValidationIssue::isError)
        .extracting(ValidationIssue::code)
        .containsExactly("UNSUPPORTED_NODE");
  }

  @Test
  void siblings_of_one_original_module_are_classified_alike() throws Exception {
    WorkflowEngine plain = WorkflowEngine.builder().workRoot(work).build();
    for (String type : new String[] {"SendHotKeyNode", "SendKeysNode", "MouseClickNode"}) {
      assertThat(plain.registry().missingCapability(type)).as(type).isEqualTo("desktop");
    }
    assertThat(plain.registry().missingCapability("ProcessKillNode")).isEqualTo("host");
    assertThat(plain.registry().missingCapability("BrowserLaunchNode")).isEqualTo("browser");
    assertThat(plain.registry().find("BrowserWaitNode")).isNotNull(); // alias of WaitNode
  }

  @Test
  void credentials_never_print_their_values() {
    var c = new CredentialsProvider.ServiceCredentials("ftp", Map.of("password", "s3cret"));
    assertThat(c.toString()).doesNotContain("s3cret").contains("password");
  }
}
