package com.casarerpa.fleet.operator.fleet;

import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.FleetOps;
import com.casarerpa.fleet.operator.Output;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keys create|list|revoke}: robot API keys. Only their hashes are stored. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Robot API keys.")
public final class KeysCommand {
  @Spec CommandSpec spec;

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "A new key for a robot, printed this once (only its hash is stored).")
  int create(
      @Option(names = "--robot", required = true, paramLabel = "NAME|ID") String robot,
      @Option(names = "--expires-in", paramLabel = "DURATION", description = "e.g. 90d, 12h")
          String expiresIn,
      @Option(names = "--name", paramLabel = "LABEL", description = "a label for the key")
          String name) {
    FleetMain root = FleetMain.of(spec);
    FleetOps ops = new FleetOps(root.api());
    Instant expires =
        expiresIn == null ? null : Instant.now().plus(FleetOps.parseDuration(expiresIn));
    JsonNode row = ops.robot(robot);
    String key = ops.createKey(UUID.fromString(row.path("robot_id").asText()), name, expires);
    PrintWriter out = root.env().out();
    out.println(key);
    out.flush();
    root.env()
        .err()
        .println(
            "Key for robot "
                + row.path("name").asText()
                + (expires == null ? "" : ", expires " + expires)
                + ". Shown this once: put it in the robot's agent.env as ROBOT_API_KEY.");
    root.env().err().flush();
    return 0;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Keys (never the keys themselves).")
  int list(
      @Option(names = "--robot", paramLabel = "NAME|ID") String robot,
      @Option(names = "--json", description = "JSON output") boolean json) {
    FleetMain root = FleetMain.of(spec);
    FleetOps ops = new FleetOps(root.api());
    String filter = "";
    if (robot != null) {
      filter = "&robot_id=eq." + ops.robot(robot).path("robot_id").asText();
    }
    JsonNode rows =
        root.api()
            .get(
                "robot_api_keys?select=id,robot_id,name,created_at,expires_at,last_used_at,"
                    + "is_revoked,revoked_at,robot:robots(name)&order=created_at.asc"
                    + filter);
    PrintWriter out = root.env().out();
    Instant now = Instant.now();
    Output.list(
        out,
        json,
        rows,
        List.of(
            Output.Column.of("ID", "id"),
            new Output.Column("ROBOT", r -> Output.text(r.path("robot").path("name"))),
            Output.Column.of("NAME", "name"),
            new Output.Column("STATE", r -> state(r, now)),
            new Output.Column("CREATED", r -> Output.ago(r.path("created_at"), now)),
            new Output.Column("LAST USED", r -> Output.ago(r.path("last_used_at"), now)),
            Output.Column.of("EXPIRES", "expires_at")));
    return 0;
  }

  private static String state(JsonNode key, Instant now) {
    if (key.path("is_revoked").asBoolean()) {
      return "revoked";
    }
    Instant expires = Output.instant(key.path("expires_at"));
    return expires != null && expires.isBefore(now) ? "expired" : "active";
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by id.")
  int revoke(
      @Parameters(paramLabel = "KEY_ID") String id,
      @Option(names = "--reason", paramLabel = "TEXT") String reason) {
    FleetMain root = FleetMain.of(spec);
    var params = FleetApi.JSON.createObjectNode().put("p_key_id", id);
    if (reason != null) {
      params.put("p_reason", reason);
    }
    root.api().rpc("revoke_robot_api_key", params);
    root.env().out().println("Revoked key " + id + "; robots using it get 401 from now on.");
    root.env().out().flush();
    return 0;
  }
}
