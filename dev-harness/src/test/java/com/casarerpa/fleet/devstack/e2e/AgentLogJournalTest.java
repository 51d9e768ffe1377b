package com.casarerpa.fleet.devstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.chaos.CutProxy;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log path is write-ahead: a line the agent accepted survives a {@code kill -9} in its journal
 * and reaches {@code robot_logs} exactly once, in {@code seq} order, after the next start.
 */
class AgentLogJournalTest {
  private static final int LINES = 50;
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void kill_9_loses_no_accepted_log_line() throws Exception {
    try (LocalStack stack = LocalStack.start(StackSettings.ephemeral());
        CutProxy proxy = new CutProxy(stack.port())) {
      FleetOperator operator = new FleetOperator(stack.url(), stack.serviceRoleKey());
      operator.settings(Map.of("lease_seconds", 600, "heartbeat_interval_seconds", 2));
      FleetAdmin.Robot robot = operator.createRobot("wal-robot", 1);
      Path dataDir = dir.resolve("data");
      Map<String, String> settings =
          AgentRunner.processSettings(proxy.url(), stack.anonKey(), robot, dataDir);
      Workflows workflow = Workflows.linear("wal").waitSeconds(5);
      for (int i = 0; i < LINES; i++) {
        workflow.log("wal line " + i);
      }
      UUID job =
          operator.enqueue(
              operator.upsertWorkflow("wal", workflow.waitSeconds(600).end()), Map.of());

      try (AgentProcess victim = AgentProcess.start(settings, dir.resolve("proc"))) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> operator.job(job).path("status").asText().equals("running"));
        proxy.cut();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> journaledIds(dataDir.resolve("spool")).size() == LINES);
        victim.kill();
        victim.waitForExit(30);
      }
      List<String> journaled = journaledIds(dataDir.resolve("spool"));
      assertThat(workflowLines(operator, job))
          .as("nothing reached the backend before the kill")
          .isEmpty();

      proxy.restore();
      Agent again =
          AgentRunner.start(AgentRunner.config(proxy.url(), stack.anonKey(), robot, dataDir));
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> workflowLines(operator, job).size() >= LINES);
        List<JsonNode> stored = workflowLines(operator, job);
        assertThat(stored.stream().map(l -> l.path("id").asText()).toList())
            .containsExactlyElementsOf(journaled);
        assertThat(stored.stream().map(l -> l.path("message").asText()).toList())
            .containsExactlyElementsOf(expected());
        assertThat(stored.stream().map(l -> l.path("seq").asLong()).toList()).isSorted();
      } finally {
        again.close(Duration.ofSeconds(10));
      }
    }
  }

  /** Ids of this test's workflow lines in the journal files, in file (= seq) order. */
  private static List<String> journaledIds(Path spool) throws IOException {
    List<String> ids = new ArrayList<>();
    if (!Files.isDirectory(spool)) {
      return ids;
    }
    try (Stream<Path> files = Files.list(spool)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String text : Files.readAllLines(file)) {
          if (text.contains("\"wal line ")) {
            ids.add(JSON.readTree(text).path("id").asText());
          }
        }
      }
    }
    return ids;
  }

  private static List<JsonNode> workflowLines(FleetOperator operator, UUID job) {
    return operator.logs(job).stream()
        .filter(l -> l.path("message").asText().startsWith("wal line "))
        .map(JsonNode.class::cast)
        .toList();
  }

  private static List<String> expected() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < LINES; i++) {
      lines.add("wal line " + i);
    }
    return lines;
  }
}
