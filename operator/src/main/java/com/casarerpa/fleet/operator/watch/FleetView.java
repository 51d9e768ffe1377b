package com.casarerpa.fleet.operator.watch;

import com.casarerpa.fleet.operator.Output;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Renders a {@link FleetSnapshot} as screen lines (pure: the same input, the same lines). */
final class FleetView {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private FleetView() {}

  static List<String> render(
      FleetSnapshot s,
      Set<String> present,
      String url,
      boolean realtimeLive,
      Instant now,
      int width) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "CasareRPA fleet  "
            + url
            + "  "
            + CLOCK.format(now)
            + " UTC  realtime: "
            + (realtimeLive ? "live" : "polling")
            + "   (q to quit)");
    lines.add("");
    lines.add(
        "ROBOTS ("
            + s.robots().size()
            + ")"
            + (s.presence().on() ? "" : "  " + s.presence().reason() + " (presence from rows)"));
    int nameWidth = 8;
    for (JsonNode r : s.robots()) {
      nameWidth = Math.max(nameWidth, r.path("name").asText().length());
    }
    lines.add(
        String.format(
            "  %-" + nameWidth + "s  %-9s %-12s %-10s %s",
            "NAME",
            "PRESENCE",
            "STATUS",
            "HEARTBEAT",
            "CURRENT JOB"));
    for (JsonNode r : s.robots()) {
      String id = r.path("robot_id").asText();
      JsonNode job = s.liveJobsByRobot().get(id);
      String current = "-";
      if (job != null) {
        int progress = job.path("progress").asInt();
        current =
            job.path("workflow_name").asText()
                + " "
                + bar(progress, 20)
                + String.format(" %3d%%", progress)
                + (job.path("current_node").asText("").isEmpty()
                    ? ""
                    : "  node " + job.path("current_node").asText());
      }
      lines.add(
          String.format(
              "  %-" + nameWidth + "s  %-9s %-12s %-10s %s",
              r.path("name").asText(),
              s.presence().up(present.contains(id), r.path("status").asText())
                  ? "● online"
                  : "○ away",
              r.path("status").asText(),
              Output.ago(r.path("last_heartbeat"), now),
              current));
    }
    if (s.robots().isEmpty()) {
      lines.add("  (no robots: `casare-fleet setup all` or `keys create` makes one)");
    }
    lines.add("");
    StringBuilder queue = new StringBuilder("QUEUE ");
    for (var e : s.queue().entrySet()) {
      if (e.getKey().equals("completed")) {
        queue.append("  |");
      }
      queue.append("  ").append(e.getKey()).append(' ').append(e.getValue());
    }
    lines.add(queue.toString());
    lines.add("");
    lines.add("RECENT FAILURES");
    if (s.failures().isEmpty()) {
      lines.add("  (none)");
    }
    for (JsonNode f : s.failures()) {
      Instant at = Output.instant(f.path("completed_at"));
      lines.add(
          "  "
              + (at == null ? "--:--:--" : CLOCK.format(at))
              + "  "
              + Output.shortId(f.path("job_id"))
              + "  "
              + f.path("workflow_name").asText()
              + "  "
              + Output.text(f.path("robot").path("name"))
              + "  "
              + f.path("status").asText()
              + ": "
              + Output.text(f.path("error")).replaceAll("\\s+", " "));
    }
    List<String> clipped = new ArrayList<>();
    for (String line : lines) {
      clipped.add(line.length() > width ? line.substring(0, Math.max(0, width - 1)) + "…" : line);
    }
    return clipped;
  }

  static String bar(int progress, int cells) {
    int full = Math.max(0, Math.min(cells, Math.round(progress * cells / 100f)));
    return "[" + "█".repeat(full) + "░".repeat(cells - full) + "]";
  }
}
