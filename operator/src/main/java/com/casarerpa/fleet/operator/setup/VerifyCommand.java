package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.Database;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.Output;
import com.casarerpa.fleet.operator.Settings;
import com.casarerpa.fleet.operator.realtime.PhoenixSocket;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code setup verify}: is this project ready for a fleet? A pass/fail line per check. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check the project: API and key, tables, views, RPCs, RLS, the Realtime publication, log"
          + " partitions ahead, an RPC round trip, a Realtime join and each edge function's"
          + " health. Every failure says how to fix it. Exit 0 only when every check passes."
    })
public final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "JSON output")
  boolean json;

  @Option(names = "--dir", paramLabel = "DIR", description = "the Supabase folder")
  Path dir;

  static final List<String> VIEWS =
      List.of(
          "robot_stats",
          "workflow_assignment_stats",
          "robot_api_keys_active",
          "robot_logs_daily_summary");

  static final List<String> RPCS =
      List.of(
          "robot_register",
          "robot_heartbeat",
          "claim_jobs",
          "start_job",
          "report_job_progress",
          "complete_job",
          "fail_job",
          "release_job",
          "finish_cancelled_job",
          "append_robot_logs",
          "robot_offline",
          "robot_fleet_maintenance",
          "create_robot",
          "create_robot_api_key",
          "revoke_robot_api_key",
          "upsert_workflow",
          "enqueue_job",
          "cancel_job",
          "fleet_maintenance",
          "validate_api_key_hash",
          "update_api_key_last_used",
          "ensure_robot_logs_partitions",
          "drop_old_robot_logs_partitions",
          "query_robot_logs",
          "verify_fleet_schema");

  /** One check's outcome; {@code fix} is empty when it passed. */
  record Check(String name, boolean passed, String detail, String fix) {}

  @Override
  public Integer call() {
    FleetMain root = FleetMain.of(spec);
    List<Check> checks = run(root, dir);
    print(root.env().out(), checks, json);
    return checks.stream().allMatch(Check::passed) ? CliException.OK : CliException.FAILURE;
  }

  static void print(PrintWriter out, List<Check> checks, boolean json) {
    if (json) {
      ArrayNode array = FleetApi.JSON.createArrayNode();
      for (Check c : checks) {
        array
            .addObject()
            .put("check", c.name())
            .put("passed", c.passed())
            .put("detail", c.detail())
            .put("fix", c.fix());
      }
      Output.json(out, array);
      return;
    }
    int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(10);
    for (Check c : checks) {
      out.printf("%s  %-" + width + "s  %s%n", c.passed() ? "PASS" : "FAIL", c.name(), c.detail());
      if (!c.passed()) {
        out.printf("      %-" + width + "s  fix: %s%n", "", c.fix());
      }
    }
    long failed = checks.stream().filter(c -> !c.passed()).count();
    out.println(
        failed == 0
            ? "All " + checks.size() + " checks passed."
            : failed + " of " + checks.size() + " checks failed.");
    out.flush();
  }

  static List<Check> run(FleetMain root, Path dir) {
    Settings settings = root.settings();
    List<Check> checks = new ArrayList<>();
    FleetApi api = FleetApi.from(settings);
    String migrate = "run `casare-fleet setup migrate`";

    Check reach =
        attempt(
            "API and service key",
            () -> {
              HttpResponse<String> r = api.raw("GET", "/rest/v1/", null);
              if (r.statusCode() == 200) {
                return pass("API and service key", api.url() + " answers as service_role");
              }
              return fail(
                  "API and service key",
                  "HTTP " + r.statusCode() + " from /rest/v1/",
                  r.statusCode() == 401 || r.statusCode() == 403
                      ? "set SUPABASE_SERVICE_KEY to the project's service_role key"
                      : "check SUPABASE_URL (Project Settings → API)");
            },
            "check SUPABASE_URL and that the project is running");
    checks.add(reach);
    if (!reach.passed()) {
      return checks;
    }

    JsonNode[] schema = {null};
    checks.add(
        attempt(
            "tables",
            () -> {
              schema[0] = api.rpc("verify_fleet_schema", FleetApi.JSON.createObjectNode());
              List<String> missing = new ArrayList<>();
              for (JsonNode t : schema[0]) {
                if (!t.path("present").asBoolean()) {
                  missing.add(t.path("table_name").asText());
                }
              }
              return missing.isEmpty()
                  ? pass("tables", schema[0].size() + " seed tables present")
                  : fail("tables", "missing: " + String.join(", ", missing), migrate);
            },
            migrate));
    checks.add(
        attempt(
            "row-level security",
            () -> {
              if (schema[0] == null) {
                return fail("row-level security", "tables unknown", migrate);
              }
              List<String> off = new ArrayList<>();
              for (JsonNode t : schema[0]) {
                if (t.path("present").asBoolean() && !t.path("rls_enabled").asBoolean()) {
                  off.add(t.path("table_name").asText());
                }
              }
              return off.isEmpty()
                  ? pass("row-level security", "on for every seed table")
                  : fail(
                      "row-level security",
                      "off for: " + String.join(", ", off),
                      migrate + " (20260101000008_security.sql enables it); see `setup rls`");
            },
            migrate));
    checks.add(
        attempt(
            "views",
            () -> {
              List<String> missing = new ArrayList<>();
              for (String view : VIEWS) {
                if (api.raw("GET", "/rest/v1/" + view + "?limit=0", null).statusCode() != 200) {
                  missing.add(view);
                }
              }
              return missing.isEmpty()
                  ? pass("views", String.join(", ", VIEWS))
                  : fail("views", "not readable: " + String.join(", ", missing), migrate);
            },
            migrate));
    checks.add(
        attempt(
            "RPCs",
            () -> {
              JsonNode openapi = FleetApi.JSON.readTree(api.raw("GET", "/rest/v1/", null).body());
              JsonNode paths = openapi.path("paths");
              List<String> missing = RPCS.stream().filter(n -> !paths.has("/rpc/" + n)).toList();
              return missing.isEmpty()
                  ? pass("RPCs", RPCS.size() + " fleet functions exposed")
                  : fail("RPCs", "missing: " + String.join(", ", missing), migrate);
            },
            migrate));

    Optional<DataSource> db = Optional.empty();
    Settings.DatabaseTarget target = null;
    String noDb = "";
    try {
      target = settings.database();
      db = Optional.of(Database.dataSource(target));
    } catch (CliException e) {
      noDb = e.getMessage();
    }
    if (db.isEmpty()) {
      String why = noDb;
      checks.add(fail("Realtime publication", "no database connection", why));
      checks.add(fail("log partitions ahead", "no database connection", why));
    } else {
      DataSource ds = db.get();
      Settings.DatabaseTarget t = target;
      checks.add(
          attempt(
              "Realtime publication",
              () -> {
                long n =
                    count(
                        ds,
                        t,
                        "SELECT count(*) FROM pg_publication_tables WHERE pubname ="
                            + " 'supabase_realtime' AND schemaname = 'public' AND tablename IN"
                            + " ('robots', 'jobs')");
                return n == 2
                    ? pass("Realtime publication", "robots and jobs in supabase_realtime")
                    : fail(
                        "Realtime publication",
                        "robots/jobs not in supabase_realtime",
                        migrate + " (20260101000009_realtime_and_cron.sql adds them)");
              },
              "check DATABASE_URL"));
      checks.add(
          attempt(
              "log partitions ahead",
              () -> {
                long n =
                    count(
                        ds,
                        t,
                        "SELECT count(*) FROM generate_series(0, 3) d WHERE to_regclass("
                            + "'public.robot_logs_' || to_char((now() AT TIME ZONE 'UTC')::date"
                            + " + d, 'YYYY_MM_DD')) IS NOT NULL");
                return n == 4
                    ? pass("log partitions ahead", "robot_logs has today's and the next 3 days'")
                    : fail(
                        "log partitions ahead",
                        "only " + n + " of today + 3 days exist",
                        "SELECT ensure_robot_logs_partitions(); and make sure fleet_maintenance()"
                            + " runs (pg_cron, or a connected robot)");
              },
              "check DATABASE_URL"));
    }

    Optional<String> anon = settings.anonKey();
    String noAnon = "set SUPABASE_ANON_KEY (Project Settings → API → anon key)";
    checks.add(
        anon.isEmpty()
            ? fail("RPC round trip", "no anon key", noAnon)
            : attempt(
                "RPC round trip",
                () -> {
                  HttpResponse<String> r =
                      robotCall(api.url(), anon.get(), "robot_offline", "crpa_" + "x".repeat(43));
                  JsonNode body = FleetApi.JSON.readTree(r.body());
                  boolean refused =
                      r.statusCode() == 401 && "PT401".equals(body.path("code").asText());
                  return refused
                      ? pass(
                          "RPC round trip",
                          "a robot RPC with an unknown key is refused (401 PT401)")
                      : fail(
                          "RPC round trip",
                          "robot_offline answered " + r.statusCode() + " " + r.body(),
                          migrate + "; check that anon may EXECUTE the robot RPCs (`setup rls`)");
                },
                noAnon));
    checks.add(
        anon.isEmpty()
            ? fail("Realtime join", "no anon key", noAnon)
            : attempt(
                "Realtime join",
                () -> {
                  try (PhoenixSocket socket =
                      PhoenixSocket.connect(api.url(), anon.get(), Duration.ofSeconds(10))) {
                    ObjectNode config = FleetApi.JSON.createObjectNode();
                    config.putObject("broadcast").put("self", false);
                    socket.join("job-queue", config, null, m -> {}, Duration.ofSeconds(10));
                  }
                  return pass("Realtime join", "joined realtime:job-queue with the anon key");
                },
                "enable Realtime for the project and check SUPABASE_ANON_KEY"));

    List<String> functions =
        SupabaseFolder.find(root.env(), dir)
            .map(SupabaseFolder::functions)
            .orElse(List.of("health"));
    for (String fn : functions) {
      String name = "edge function " + fn;
      String deploy = "deploy it: `casare-fleet setup functions --name " + fn + "`";
      checks.add(
          anon.isEmpty()
              ? fail(name, "no anon key", noAnon)
              : attempt(
                  name,
                  () -> {
                    HttpResponse<String> r = functionGet(api.url(), anon.get(), fn);
                    boolean healthy =
                        fn.equals("health")
                            ? r.statusCode() == 200 && r.body().contains("\"ok\"")
                            : r.statusCode() != 404 && r.statusCode() < 500;
                    return healthy
                        ? pass(name, "answers HTTP " + r.statusCode())
                        : fail(name, "HTTP " + r.statusCode() + " " + abbreviate(r.body()), deploy);
                  },
                  deploy));
    }
    return checks;
  }

  private static HttpResponse<String> robotCall(String url, String anon, String rpc, String key)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url + "/rest/v1/rpc/" + rpc))
                .header("apikey", anon)
                .header("Authorization", "Bearer " + anon)
                .header("x-robot-api-key", key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> functionGet(String url, String anon, String fn)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url + "/functions/v1/" + fn))
                .header("apikey", anon)
                .header("Authorization", "Bearer " + anon)
                .timeout(Duration.ofSeconds(60))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static long count(DataSource ds, Settings.DatabaseTarget target, String sql)
      throws SQLException {
    try (Connection c = Database.connect(ds, target);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() > 120 ? one.substring(0, 120) + "…" : one;
  }

  @FunctionalInterface
  private interface CheckBody {
    Check run() throws Exception;
  }

  private static Check attempt(String name, CheckBody body, String fix) {
    try {
      return body.run();
    } catch (CliException e) {
      return fail(name, e.getMessage(), fix);
    } catch (Exception e) {
      return fail(name, e.getMessage() == null ? e.toString() : e.getMessage(), fix);
    }
  }

  private static Check pass(String name, String detail) {
    return new Check(name, true, detail, "");
  }

  private static Check fail(String name, String detail, String fix) {
    return new Check(name, false, detail, fix);
  }
}
