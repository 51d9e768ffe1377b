package com.casarerpa.fleet.workflow.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.casarerpa.fleet.workflow.RecordingListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.net.InternalAddressPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Dns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP nodes stay off loopback, link-local and private addresses unless allowlisted. */
class HttpInternalAddressTest {
  @TempDir Path work;
  private final MockWebServer server = new MockWebServer();
  private final RecordingListener listener = new RecordingListener();

  @BeforeEach
  void start() throws Exception {
    server.start(0);
    server.enqueue(new MockResponse.Builder().code(200).body("loopback-only secret").build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RunResult fetch(WorkflowEngine engine, String url) throws Exception {
    TestWorkflow wf =
        TestWorkflow.create()
            .node("get", "HttpRequestNode", "url", url, "max_retries", 0)
            .node("log", "LogNode", "message", "{{get.response_body}}", "include_node_id", false)
            .then("get", "log");
    return engine.run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(work), listener, null);
  }

  @Test
  void loopback_is_refused_by_default_by_address_and_by_name() throws Exception {
    WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build();
    for (String url :
        List.of(
            server.url("/secret").toString(),
            "http://localhost:" + server.getPort() + "/secret",
            "http://[::ffff:127.0.0.1]:" + server.getPort() + "/secret")) {
      RunResult r = fetch(engine, url);
      assertThat(r.status()).as(url).isEqualTo(RunStatus.FAILED);
      assertThat(r.errorMessage()).as(url).contains("WORKFLOW_HTTP_ALLOW");
    }
    assertThat(server.getRequestCount()).isZero();
    assertThat(listener.messages()).doesNotContain("loopback-only secret");
  }

  @Test
  void an_allowlisted_address_is_reached() throws Exception {
    WorkflowEngine engine =
        WorkflowEngine.builder().workRoot(work).httpAllow("10.0.0.0/8, 127.0.0.1").build();
    RunResult r = fetch(engine, server.url("/secret").toString());
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(listener.messages()).contains("loopback-only secret");
  }

  @Test
  void a_name_resolving_to_internal_addresses_keeps_only_the_public_ones() throws Exception {
    InetAddress publicAddress = InetAddress.getByName("93.184.215.14");
    Dns rebinding =
        host ->
            List.of(
                InetAddress.getByName("127.0.0.1"),
                InetAddress.getByName("169.254.169.254"),
                publicAddress);
    InternalAddressPolicy policy = policy(rebinding, "");
    assertThat(policy.lookup("rebind.example")).containsExactly(publicAddress);

    InternalAddressPolicy metadataOnly =
        policy(host -> List.of(InetAddress.getByName("169.254.169.254")), "127.0.0.1");
    assertThatThrownBy(() -> metadataOnly.lookup("metadata.example"))
        .isInstanceOf(UnknownHostException.class)
        .hasMessageContaining("169.254.169.254")
        .hasMessageContaining("WORKFLOW_HTTP_ALLOW");
    for (String internal :
        List.of(
            "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "fd00::1", "fe80::1", "::1")) {
      assertThat(policy.permits(InetAddress.getByName(internal))).as(internal).isFalse();
    }
    assertThat(policy.permits(publicAddress)).isTrue();
  }

  @Test
  void a_bad_allowlist_entry_is_named() {
    assertThatThrownBy(() -> InternalAddressPolicy.parse("127.0.0.1,intranet.local"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("intranet.local");
  }

  private static InternalAddressPolicy policy(Dns resolver, String allow) {
    return InternalAddressPolicy.parse(allow).withResolver(resolver);
  }
}
