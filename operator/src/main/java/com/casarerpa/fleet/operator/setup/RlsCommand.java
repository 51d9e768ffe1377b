package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.Database;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.Output;
import com.casarerpa.fleet.operator.Settings;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code setup rls}: the live row-level security of every table in {@code public}. */
@Command(
    name = "rls",
    mixinStandardHelpOptions = true,
    description = {
      "List the live RLS policies per table of schema public and flag tables without RLS, tables"
          + " the anon role may read or write directly, and policies open to anon/public."
          + " Exit 1 when anything is flagged."
    })
public final class RlsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "JSON output")
  boolean json;

  private static final String TABLES =
      """
      SELECT c.relname AS table_name, c.relrowsecurity AS rls,
             has_table_privilege('anon', c.oid, 'SELECT,INSERT,UPDATE,DELETE') AS anon_access
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY 1
      """;

  private static final String POLICIES =
      """
      SELECT tablename, policyname, cmd, array_to_string(roles, ',') AS roles, permissive,
             coalesce(qual, '') AS using_expr, coalesce(with_check, '') AS check_expr
      FROM pg_policies WHERE schemaname = 'public' ORDER BY tablename, policyname
      """;

  @Override
  public Integer call() {
    FleetMain root = FleetMain.of(spec);
    ArrayNode report = inspect(root.settings());
    PrintWriter out = root.env().out();
    int flagged = 0;
    for (var t : report) {
      flagged += t.path("flags").size();
    }
    if (json) {
      Output.json(out, report);
    } else {
      Output.table(
          out,
          report,
          List.of(
              Output.Column.of("TABLE", "table"),
              new Output.Column("RLS", r -> r.path("rls").asBoolean() ? "on" : "OFF"),
              new Output.Column("POLICIES", r -> String.valueOf(r.path("policies").size())),
              new Output.Column("FLAGS", r -> Output.text(r.path("flags")))));
      out.println();
      for (var t : report) {
        for (var p : t.path("policies")) {
          out.printf(
              "%s: %s (%s, to %s)%s%n",
              t.path("table").asText(),
              p.path("name").asText(),
              p.path("command").asText(),
              p.path("roles").asText(),
              p.path("using").asText().isEmpty() ? "" : " using " + p.path("using").asText());
        }
      }
      out.println();
      out.println(
          flagged == 0
              ? "OK: RLS is on for every table and nothing is open to anon."
              : flagged
                  + " problem(s) flagged: enable RLS (ALTER TABLE … ENABLE ROW LEVEL SECURITY),"
                  + " REVOKE table privileges from anon, and drop or narrow policies open to anon.");
      out.flush();
    }
    return flagged == 0 ? CliException.OK : CliException.FAILURE;
  }

  static ArrayNode inspect(Settings settings) {
    Settings.DatabaseTarget target = settings.database();
    DataSource ds = Database.dataSource(target);
    Map<String, ObjectNode> tables = new LinkedHashMap<>();
    ArrayNode report = FleetApi.JSON.createArrayNode();
    try (Connection c = Database.connect(ds, target);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery(TABLES)) {
        while (rs.next()) {
          ObjectNode t = report.addObject();
          t.put("table", rs.getString("table_name"));
          t.put("rls", rs.getBoolean("rls"));
          t.putArray("policies");
          ArrayNode flags = t.putArray("flags");
          if (!rs.getBoolean("rls")) {
            flags.add("RLS disabled");
          }
          if (rs.getBoolean("anon_access")) {
            flags.add("anon has table privileges");
          }
          tables.put(rs.getString("table_name"), t);
        }
      }
      try (ResultSet rs = s.executeQuery(POLICIES)) {
        while (rs.next()) {
          ObjectNode t = tables.get(rs.getString("tablename"));
          if (t == null) {
            continue;
          }
          ObjectNode p = ((ArrayNode) t.get("policies")).addObject();
          String roles = rs.getString("roles");
          p.put("name", rs.getString("policyname"));
          p.put("command", rs.getString("cmd"));
          p.put("roles", roles);
          p.put("permissive", rs.getString("permissive"));
          p.put("using", rs.getString("using_expr"));
          p.put("with_check", rs.getString("check_expr"));
          for (String role : roles.split(",")) {
            if (role.equals("anon") || role.equals("public")) {
              ((ArrayNode) t.get("flags"))
                  .add("policy " + rs.getString("policyname") + " open to " + role);
            }
          }
        }
      }
    } catch (SQLException e) {
      throw CliException.failure("reading policies: " + e.getMessage());
    }
    return report;
  }
}
