package com.casarerpa.fleet.workflow.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.RecordingListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Node types from a user's jar are found with ServiceLoader and run like built-ins. */
class NodePluginTest {
  @TempDir Path dir;

  @Test
  void a_provider_on_the_class_path_adds_its_node_types() throws Exception {
    NodeRegistry registry = NodeRegistry.standard();
    assertThat(registry.find("EchoTestNode")).isNotNull();
    RecordingListener listener = new RecordingListener();
    TestWorkflow wf =
        TestWorkflow.create()
            .node("echo", "EchoTestNode", "text", "{{who}}", "prefix", "hi ")
            .node("log", "LogNode", "message", "{{echo.echo}}", "include_node_id", false)
            .then("echo", "log");
    RunResult r =
        WorkflowEngine.builder()
            .registry(registry)
            .workRoot(dir)
            .build()
            .run(
                wf.parse(),
                RunOptions.DEFAULTS
                    .withVariables(java.util.Map.of("who", "ada"))
                    .withWorkingDirectory(dir),
                listener,
                null);
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages()).containsExactly("hi ADA");
  }

  @Test
  void a_browser_plugin_lifts_the_capability_refusal() throws Exception {
    TestWorkflow wf = TestWorkflow.create().node("click", "ClickElementNode", "selector", "#go");
    WorkflowEngine plain = WorkflowEngine.builder().workRoot(dir).build();
    assertThat(plain.validate(wf.parse())).anyMatch(i -> i.code().equals("NEEDS_CAPABILITY"));

    Path services = dir.resolve("plugin/META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve(NodeProvider.class.getName()), FakeBrowserProvider.class.getName() + "\n");
    try (URLClassLoader pluginJar =
        new URLClassLoader(
            new URL[] {dir.resolve("plugin").toUri().toURL()}, getClass().getClassLoader())) {
      NodeRegistry registry =
          NodeRegistry.builder().addBuiltins().addServiceProviders(pluginJar).build();
      WorkflowEngine withPlugin = WorkflowEngine.builder().registry(registry).workRoot(dir).build();
      RunResult r =
          withPlugin.run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(dir), null, null);
      assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(r.nodeOutputs().get("click")).containsEntry("clicked", "#go");
    }
  }
}
