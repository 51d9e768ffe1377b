package com.casarerpa.fleet.operator.fleet;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.FleetOps;
import com.casarerpa.fleet.operator.Output;
import com.casarerpa.fleet.operator.Settings;
import com.casarerpa.fleet.operator.realtime.PhoenixSocket;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code logs tail}: robot and workflow log lines from {@code robot_logs}. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Robot logs.")
public final class LogsCommand {
  static final List<String> LEVELS =
      List.of("TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");

  @Spec CommandSpec spec;

  @Command(
      name = "tail",
      mixinStandardHelpOptions = true,
      description =
          "The last log lines, oldest first; --follow keeps printing new ones as they arrive"
              + " (woken by Realtime broadcasts on robot-logs:<robot>, polling when Realtime is"
              + " unavailable).")
  int tail(
      @Option(names = "--robot", paramLabel = "NAME|ID") String robot,
      @Option(names = "--job", paramLabel = "ID") String job,
      @Option(names = "--level", paramLabel = "LEVEL", description = "this level and above")
          String level,
      @Option(
              names = "--since",
              paramLabel = "DURATION|TIME",
              description = "e.g. 10m or an ISO time")
          String since,
      @Option(
              names = {"-n", "--lines"},
              defaultValue = "50",
              description = "how many (default 50)")
          int lines,
      @Option(
              names = {"-f", "--follow"},
              description = "keep printing new lines until Ctrl-C")
          boolean follow,
      @Option(
              names = "--stop-after",
              paramLabel = "N",
              description = "with --follow: stop after N new lines")
          Integer stopAfter,
      @Option(names = "--poll-interval", defaultValue = "2s", paramLabel = "DURATION")
          String pollInterval,
      @Option(names = "--json", description = "one JSON object per line") boolean json) {
    FleetMain root = FleetMain.of(spec);
    FleetOps ops = new FleetOps(root.api());
    PrintWriter out = root.env().out();
    Map<String, String> robotNames = new HashMap<>();
    for (JsonNode r : root.api().get("robots?select=robot_id,name")) {
      robotNames.put(r.path("robot_id").asText(), r.path("name").asText());
    }
    StringBuilder filter = new StringBuilder();
    String robotId = null;
    if (robot != null) {
      robotId = ops.robot(robot).path("robot_id").asText();
      filter.append("&robot_id=eq.").append(robotId);
    }
    if (job != null) {
      if (!FleetOps.isUuid(job)) {
        throw CliException.config("--job takes a job id (UUID), got " + job);
      }
      filter.append("&job_id=eq.").append(job);
    }
    if (level != null) {
      String wanted = level.toUpperCase().equals("WARN") ? "WARNING" : level.toUpperCase();
      int from = LEVELS.indexOf(wanted);
      if (from < 0) {
        throw CliException.config("--level must be one of " + String.join(", ", LEVELS));
      }
      filter
          .append("&level=in.(")
          .append(String.join(",", LEVELS.subList(from, LEVELS.size())))
          .append(")");
    }
    if (since != null) {
      filter.append("&timestamp=gte.").append(FleetApi.encode(sinceInstant(since).toString()));
    }
    String select = "robot_logs?select=id,timestamp,level,robot_id,job_id,node_id,seq,message";
    JsonNode newest =
        root.api().get(select + filter + "&order=timestamp.desc,seq.desc&limit=" + lines);
    List<JsonNode> rows = new ArrayList<>();
    newest.forEach(rows::add);
    java.util.Collections.reverse(rows);
    Set<String> seen = new HashSet<>();
    String cursor = null;
    for (JsonNode row : rows) {
      print(out, row, robotNames, json);
      seen.add(row.path("id").asText());
      cursor = row.path("timestamp").asText();
    }
    out.flush();
    if (!follow) {
      return 0;
    }
    Semaphore wake = new Semaphore(0);
    PhoenixSocket socket = listen(root, robotId, robotNames.keySet(), wake);
    long interval = FleetOps.parseDuration(pollInterval).toMillis();
    int printed = 0;
    try {
      while (stopAfter == null || printed < stopAfter) {
        String after = cursor == null ? "" : "&timestamp=gte." + FleetApi.encode(cursor);
        JsonNode fresh =
            root.api().get(select + filter + after + "&order=timestamp.asc,seq.asc&limit=1000");
        for (JsonNode row : fresh) {
          if (seen.add(row.path("id").asText())) {
            if (!robotNames.containsKey(row.path("robot_id").asText())) {
              for (JsonNode r : root.api().get("robots?select=robot_id,name")) {
                robotNames.put(r.path("robot_id").asText(), r.path("name").asText());
              }
            }
            print(out, row, robotNames, json);
            printed++;
            cursor = row.path("timestamp").asText();
            if (stopAfter != null && printed >= stopAfter) {
              break;
            }
          }
        }
        out.flush();
        if (stopAfter != null && printed >= stopAfter) {
          break;
        }
        try {
          wake.tryAcquire(interval, TimeUnit.MILLISECONDS);
          wake.drainPermits();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    } finally {
      if (socket != null) {
        socket.close();
      }
    }
    return 0;
  }

  /** Realtime wake-ups: the private robot-logs:<robot> broadcasts; null when unavailable. */
  private PhoenixSocket listen(
      FleetMain root, String robotId, Set<String> allRobots, Semaphore wake) {
    Settings settings = root.settings();
    try {
      PhoenixSocket socket =
          PhoenixSocket.connect(settings.url(), settings.serviceKey(), Duration.ofSeconds(5));
      var config = FleetApi.JSON.createObjectNode().put("private", true);
      config.putObject("broadcast").put("self", false);
      List<String> robots = robotId != null ? List.of(robotId) : List.copyOf(allRobots);
      for (String id : robots) {
        socket.join(
            "robot-logs:" + id,
            config,
            settings.serviceKey(),
            m -> wake.release(),
            Duration.ofSeconds(5));
      }
      return socket;
    } catch (IOException | CliException e) {
      root.env().err().println("(Realtime unavailable, polling: " + e.getMessage() + ")");
      root.env().err().flush();
      return null;
    }
  }

  private static void print(
      PrintWriter out, JsonNode row, Map<String, String> robots, boolean json) {
    if (json) {
      out.println(row.toString());
      return;
    }
    String robot =
        robots.getOrDefault(row.path("robot_id").asText(), Output.shortId(row.path("robot_id")));
    StringBuilder where = new StringBuilder();
    if (row.hasNonNull("job_id")) {
      where.append(" job ").append(Output.shortId(row.path("job_id")));
    }
    if (row.hasNonNull("node_id")) {
      where.append(" node ").append(row.path("node_id").asText());
    }
    out.printf(
        "%s %-8s %s%s  %s%n",
        row.path("timestamp").asText(),
        row.path("level").asText(),
        robot,
        where.length() == 0 ? "" : " [" + where.toString().strip() + "]",
        row.path("message").asText());
  }

  static Instant sinceInstant(String since) {
    try {
      return Instant.now().minus(FleetOps.parseDuration(since));
    } catch (CliException e) {
      try {
        return OffsetDateTime.parse(since).toInstant();
      } catch (DateTimeParseException e2) {
        throw CliException.config(
            "--since takes a duration (10m, 2h) or an ISO time, got " + since);
      }
    }
  }
}
