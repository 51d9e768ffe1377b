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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend goes away for 30 s while a job logs; no line may be lost or doubled. */
class AgentOutageTest {
  private static final int LINES = 40;
  @TempDir Path dataDir;

  @Test
  void every_line_logged_during_an_outage_is_stored_once_and_in_order() throws Exception {
    try (LocalStack stack = LocalStack.start(StackSettings.ephemeral());
        CutProxy proxy = new CutProxy(stack.port())) {
      FleetOperator operator = new FleetOperator(stack.url(), stack.serviceRoleKey());
      operator.settings(Map.of("lease_seconds", 120, "heartbeat_interval_seconds", 2));
      FleetAdmin.Robot robot = operator.createRobot("outage-robot", 1);
      Agent agent =
          AgentRunner.start(AgentRunner.config(proxy.url(), stack.anonKey(), robot, dataDir));
      try {
        Workflows chatty = Workflows.linear("chatty");
        for (int i = 0; i < LINES; i++) {
          chatty.log("line " + i).waitSeconds(1);
        }
        UUID job = operator.enqueue(operator.upsertWorkflow("chatty", chatty.end()), Map.of());
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    operator.logs(job).stream()
                        .anyMatch(l -> l.path("message").asText().equals("line 3")));

        double journaledAtCut = agent.metrics().counter("agent.log.lines.spooled").count();
        proxy.cut();
        // the outage lasts until the agent has noticed it (failed heartbeats) and has journaled
        // ten more workflow lines that could not be shipped
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    agent.metrics().counter("agent.heartbeat.failures").count() >= 1
                        && agent.metrics().counter("agent.log.lines.spooled").count()
                            >= journaledAtCut + 10);
        proxy.restore();

        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> operator.job(job).path("status").asText().equals("completed"));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> workflowLines(operator, job).size() >= LINES);
        assertThat(workflowLines(operator, job)).containsExactlyElementsOf(expected());
      } finally {
        agent.close(Duration.ofSeconds(20));
      }
    }
  }

  private static List<String> workflowLines(FleetOperator operator, UUID job) {
    return operator.logs(job).stream()
        .filter(l -> "workflow".equals(l.path("source").asText()))
        .map(JsonNode.class::cast)
        .map(l -> l.path("message").asText())
        .toList();
  }

  private static List<String> expected() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < LINES; i++) {
      lines.add("line " + i);
    }
    return lines;
  }
}
