package com.casarerpa.fleet.operator.fleet;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.FleetOps;
import com.casarerpa.fleet.operator.Output;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code robots list|show|disable|enable|delete}. */
@Command(name = "robots", mixinStandardHelpOptions = true, description = "The fleet's robots.")
public final class RobotsCommand {
  @Spec CommandSpec spec;

  @Command(name = "list", mixinStandardHelpOptions = true, description = "All robots.")
  int list(@Option(names = "--json", description = "JSON output") boolean json) {
    FleetMain root = FleetMain.of(spec);
    JsonNode rows = root.api().get("robots?select=" + FleetOps.ROBOT_COLUMNS + "&order=name.asc");
    PrintWriter out = root.env().out();
    Instant now = Instant.now();
    Output.list(
        out,
        json,
        rows,
        List.of(
            Output.Column.of("NAME", "name"),
            Output.Column.of("STATUS", "status"),
            Output.Column.of("ENV", "environment"),
            Output.Column.of("CAPABILITIES", "capabilities"),
            new Output.Column(
                "JOBS",
                r ->
                    r.path("current_job_ids").size() + "/" + r.path("max_concurrent_jobs").asInt()),
            new Output.Column("HEARTBEAT", r -> Output.ago(r.path("last_heartbeat"), now)),
            Output.Column.of("HOST", "hostname"),
            Output.Column.of("ID", "robot_id")));
    return 0;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "A new robot and its first key (printed this once).")
  int create(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--env", defaultValue = "default", description = "environment")
          String environment,
      @Option(names = "--capability", paramLabel = "CAP", description = "repeatable")
          List<String> capabilities,
      @Option(names = "--max-jobs", defaultValue = "1", description = "max concurrent jobs")
          int maxJobs) {
    FleetMain root = FleetMain.of(spec);
    FleetOps ops = new FleetOps(root.api());
    if (!root.api().get("robots?select=robot_id&name=eq." + FleetApi.encode(name)).isEmpty()) {
      throw CliException.failure(
          "a robot named "
              + name
              + " exists: `casare-fleet keys create --robot "
              + name
              + "` adds a key");
    }
    var caps = FleetApi.JSON.createArrayNode();
    if (capabilities != null) {
      capabilities.forEach(caps::add);
    }
    FleetOps.NewRobot robot = ops.robotWithKey(name, environment, caps, maxJobs);
    root.env().out().println(robot.key());
    root.env().out().flush();
    root.env()
        .err()
        .println(
            "Created robot "
                + name
                + " ("
                + robot.id()
                + "). Its key is shown this once: ROBOT_API_KEY in the robot's agent.env.");
    root.env().err().flush();
    return 0;
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One robot and its keys.")
  int show(
      @Parameters(paramLabel = "NAME|ID") String robot,
      @Option(names = "--json", description = "JSON output") boolean json) {
    FleetMain root = FleetMain.of(spec);
    FleetOps ops = new FleetOps(root.api());
    JsonNode row = ops.robot(robot);
    PrintWriter out = root.env().out();
    if (json) {
      Output.json(out, row);
      return 0;
    }
    Output.details(out, row);
    return 0;
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description =
          "Put a robot in maintenance: it claims no new jobs (running ones finish). Its heartbeat"
              + " keeps the status until `enable`.")
  int disable(@Parameters(paramLabel = "NAME|ID") String robot) {
    return setStatus(robot, "maintenance");
  }

  @Command(
      name = "enable",
      mixinStandardHelpOptions = true,
      description = "Let a disabled robot claim jobs again (status back to online/offline).")
  int enable(@Parameters(paramLabel = "NAME|ID") String robot) {
    return setStatus(robot, null);
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a robot and its keys; its live jobs go back to the queue.")
  int delete(
      @Parameters(paramLabel = "NAME|ID") String robot,
      @Option(names = "--yes", description = "do it (required)") boolean yes) {
    FleetMain root = FleetMain.of(spec);
    FleetOps ops = new FleetOps(root.api());
    JsonNode row = ops.robot(robot);
    if (!yes) {
      throw CliException.config(
          "deleting robot " + row.path("name").asText() + " also deletes its keys: add --yes");
    }
    root.api().delete("robots?robot_id=eq." + row.path("robot_id").asText());
    root.env().out().println("Deleted robot " + row.path("name").asText());
    root.env().out().flush();
    return 0;
  }

  private int setStatus(String robot, String status) {
    FleetMain root = FleetMain.of(spec);
    FleetOps ops = new FleetOps(root.api());
    JsonNode row = ops.robot(robot);
    String next = ops.setRobotEnabled(row, status == null);
    PrintWriter out = root.env().out();
    if (next == null) {
      out.println(
          row.path("name").asText() + " is not disabled (" + row.path("status").asText() + ")");
    } else {
      out.println(row.path("name").asText() + ": " + row.path("status").asText() + " -> " + next);
    }
    out.flush();
    return 0;
  }
}
