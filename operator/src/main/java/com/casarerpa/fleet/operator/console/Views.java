package com.casarerpa.fleet.operator.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** What the console's templates show: plain data read from the fleet, already formatted. */
public final class Views {
  private Views() {}

  /** A page's frame: its title, which navigation entry is current, the session's CSRF token. */
  public record Frame(String title, String nav, String csrf, boolean realtime) {}

  public record JobBrief(String id, String workflow, String status, int progress, String node) {}

  public record Robot(
      String id,
      String name,
      String presence,
      String status,
      String environment,
      String capabilities,
      String heartbeatAge,
      JobBrief job,
      Sparkline cpu,
      Sparkline memory,
      boolean disabled) {}

  /** An inline SVG line: polyline points in a {@code width}×{@code height} box, and its text. */
  public record Sparkline(String points, String label) {}

  /**
   * @param presenceNote why presence is off for this fleet (the column then comes from the robots'
   *     rows), null while robots track presence
   */
  public record Fleet(List<Robot> robots, Map<String, Long> queue, String presenceNote) {}

  public record QueueFilter(String status, String robot, String workflow, String environment) {
    String query() {
      StringBuilder q = new StringBuilder();
      append(q, "status", status);
      append(q, "robot", robot);
      append(q, "workflow", workflow);
      append(q, "environment", environment);
      return q.toString();
    }

    private static void append(StringBuilder q, String name, String value) {
      if (value != null && !value.isBlank()) {
        q.append(q.isEmpty() ? "?" : "&")
            .append(name)
            .append('=')
            .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
      }
    }
  }

  public record JobRow(
      String id,
      String workflow,
      String status,
      int progress,
      String node,
      int priority,
      String environment,
      String robot,
      String created,
      String error) {}

  public record Queue(
      QueueFilter filter,
      Map<String, Long> counts,
      List<JobRow> jobs,
      List<String> robots,
      List<String> workflows,
      List<String> environments,
      String fragmentUrl) {}

  /** One step of a job's life: what happened, when, and where. */
  public record Step(String label, String at, String detail) {}

  public record Job(
      String id,
      String workflow,
      String status,
      int progress,
      String node,
      String robot,
      int attempt,
      List<Step> timeline,
      String result,
      String error,
      boolean cancellable,
      boolean retryable) {}

  /** The job page's data: the job, its log lines and the log filter in use. */
  public record JobPage(Job job, List<LogLine> logs, String level, String search) {
    public List<String> levels() {
      return ConsoleReads.LEVELS;
    }

    public String logsUrl() {
      return "/fragments/jobs/" + job.id() + "/logs";
    }
  }

  public record LogLine(String time, String level, String node, String message) {}

  public record Issue(String code, String node, String message, boolean error) {}

  public record Workflows(
      JsonNode rows, Map<String, List<JsonNode>> versions, List<Issue> issues, String notice) {
    /** An upload the engine refused (it found errors). */
    public boolean rejected() {
      return issues.stream().anyMatch(Issue::error);
    }
  }

  public record Keys(JsonNode rows, JsonNode robots, String newKey, String newKeyRobot) {}

  public record Schedule(
      String id,
      String name,
      String workflow,
      String cron,
      boolean enabled,
      List<String> nextRuns,
      String lastRun,
      int runs,
      int failures) {}

  /**
   * A chart: a polyline in a {@link Charts#WIDTH}×{@link Charts#HEIGHT} box, its scale, a summary.
   */
  public record Chart(String title, String points, String bars, String max, String summary) {}

  public record ChartsPage(String window, List<String> windows, List<Chart> charts) {}
}
