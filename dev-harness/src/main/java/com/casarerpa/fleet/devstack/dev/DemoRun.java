package com.casarerpa.fleet.devstack.dev;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The demo: upserts every workflow of a folder, enqueues each once, and prints their progress as it
 * changes until all have ended. Progress is read from {@code jobs}, the source of truth.
 */
public final class DemoRun {
  private static final Set<String> ENDED = Set.of("completed", "failed", "timeout", "cancelled");
  private static final Duration POLL = Duration.ofMillis(300);

  /** How long the summary waits for the robot's log batches to reach robot_logs. */
  private static final Duration LOG_WAIT = Duration.ofSeconds(5);

  /** Workflow log lines shown per job in the summary (the last ones). */
  private static final int LOG_LINES_SHOWN = 4;

  private final FleetAdmin admin;
  private final PrintStream out;
  private final Map<UUID, String> names = new LinkedHashMap<>();
  private final Map<UUID, String> lastShown = new HashMap<>();

  public DemoRun(FleetAdmin admin, PrintStream out) {
    this.admin = admin;
    this.out = out;
  }

  /** Upserts and enqueues every {@code *.json} of {@code folder}; returns the number of jobs. */
  public int enqueueAll(Path folder) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path file : files) {
      JsonNode workflow = FleetAdmin.JSON.readTree(file.toFile());
      String name = workflow.path("metadata").path("name").asText(file.getFileName().toString());
      UUID job = admin.enqueue(admin.upsertWorkflow(name, workflow));
      names.put(job, name);
      out.printf("queued   %-36s %s%n", name, job);
    }
    return files.size();
  }

  /**
   * Prints progress until every job has ended or {@code timeout} passed.
   *
   * @return the number of jobs that did not complete
   */
  public int follow(Duration timeout) throws IOException, InterruptedException {
    Instant end = Instant.now().plus(timeout);
    Map<UUID, JsonNode> rows = new HashMap<>();
    while (Instant.now().isBefore(end)) {
      for (JsonNode row : admin.jobs(names.keySet())) {
        UUID id = UUID.fromString(row.path("job_id").asText());
        rows.put(id, row);
        show(id, row);
      }
      if (rows.size() == names.size()
          && rows.values().stream().allMatch(r -> ENDED.contains(r.path("status").asText()))) {
        break;
      }
      Thread.sleep(POLL.toMillis());
    }
    return summary(rows);
  }

  /**
   * Reads each ended job's workflow log lines, waiting briefly for the robot's last batch (logs are
   * shipped in batches, so they may land a moment after the job row ends).
   */
  private Map<UUID, JsonNode> workflowLogs(Map<UUID, JsonNode> rows)
      throws IOException, InterruptedException {
    Map<UUID, JsonNode> logs = new HashMap<>();
    Instant end = Instant.now().plus(LOG_WAIT);
    do {
      for (UUID id : rows.keySet()) {
        logs.put(id, admin.workflowLogs(id));
      }
      if (logs.values().stream().allMatch(lines -> !lines.isEmpty())) {
        break;
      }
      Thread.sleep(POLL.toMillis());
    } while (Instant.now().isBefore(end));
    return logs;
  }

  private void show(UUID id, JsonNode row) {
    String status = row.path("status").asText();
    String line =
        String.format(
            "%-8s %-36s %3d%% %s",
            status,
            names.get(id),
            row.path("progress").asInt(),
            row.path("current_node").asText("").isEmpty()
                ? ""
                : "at " + row.path("current_node").asText());
    if (!line.equals(lastShown.put(id, line))) {
      out.println(line);
    }
  }

  private int summary(Map<UUID, JsonNode> rows) throws IOException, InterruptedException {
    Map<UUID, JsonNode> logs = workflowLogs(rows);
    out.println();
    out.println("demo summary (with the last lines each workflow logged, read from robot_logs):");
    List<String> failed = new ArrayList<>();
    for (var entry : names.entrySet()) {
      JsonNode row = rows.get(entry.getKey());
      String status = row == null ? "unknown" : row.path("status").asText();
      String error = row == null ? "" : row.path("error").asText("");
      out.printf(
          "  %-10s %s%s%n", status, entry.getValue(), error.isEmpty() ? "" : "  (" + error + ")");
      JsonNode lines = logs.getOrDefault(entry.getKey(), FleetAdmin.JSON.createArrayNode());
      for (int i = Math.max(0, lines.size() - LOG_LINES_SHOWN); i < lines.size(); i++) {
        JsonNode line = lines.get(i);
        out.printf("      %-7s %s%n", line.path("level").asText(), line.path("message").asText());
      }
      if (!status.equals("completed")) {
        failed.add(entry.getValue());
      }
    }
    out.println(
        failed.isEmpty()
            ? "all " + names.size() + " demo jobs completed"
            : failed.size() + " of " + names.size() + " demo jobs did not complete: " + failed);
    out.flush();
    return failed.size();
  }
}
