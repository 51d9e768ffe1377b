package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.migrate.Migration;
import com.casarerpa.fleet.migrate.MigrationException;
import com.casarerpa.fleet.migrate.MigrationPlan;
import com.casarerpa.fleet.migrate.MigrationRunner;
import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.Database;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code setup migrate}: applies the migrations not yet recorded in {@code
 * supabase_migrations.schema_migrations}, like {@code supabase db push}.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Apply install/supabase/migrations over JDBC (DATABASE_URL, or SUPABASE_PROJECT_REF +"
          + " SUPABASE_DB_PASSWORD), recorded as the Supabase CLI records them, so `supabase db"
          + " push` and this command continue where the other stopped. Re-running is a no-op."
    })
public final class MigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dry-run", description = "show what would be applied; change nothing")
  boolean dryRun;

  @Option(names = "--to", paramLabel = "VERSION", description = "stop after this version")
  String to;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "the Supabase folder (default: install/supabase found upwards)")
  Path dir;

  @Option(
      names = "--include-all",
      description = "also apply migrations older than the newest applied one (as the CLI's flag)")
  boolean includeAll;

  @Override
  public Integer call() {
    FleetMain root = FleetMain.of(spec);
    return migrate(root, dir, dryRun, to, includeAll);
  }

  static int migrate(FleetMain root, Path dir, boolean dryRun, String to, boolean includeAll) {
    PrintWriter out = root.env().out();
    Settings settings = root.settings();
    Settings.DatabaseTarget target = settings.database();
    DataSource ds = Database.dataSource(target);
    try {
      // only checks that the database answers before anything else is read
      Database.connect(ds, target).close();
    } catch (SQLException e) {
      throw CliException.failure("database: " + e.getMessage());
    }
    List<Migration> local = SupabaseFolder.migrations(root.env(), dir);
    if (local.isEmpty()) {
      throw CliException.config(
          "no migrations found in " + SupabaseFolder.describe(root.env(), dir));
    }
    if (to != null && local.stream().noneMatch(m -> m.version().equals(to))) {
      throw CliException.config(
          "--to "
              + to
              + ": no such migration version (see "
              + SupabaseFolder.describe(root.env(), dir)
              + ")");
    }
    MigrationRunner runner = new MigrationRunner(ds);
    MigrationPlan plan;
    try {
      plan = runner.plan(local);
    } catch (MigrationException e) {
      throw CliException.failure(e.getMessage());
    }
    if (!plan.unknownRemote().isEmpty()) {
      throw CliException.failure(
          "the database has migration versions not found in "
              + SupabaseFolder.describe(root.env(), dir)
              + ": "
              + String.join(", ", plan.unknownRemote())
              + " — update your checkout (or `supabase migration repair --status reverted"
              + " <version>` if they were removed on purpose)");
    }
    if (!plan.outOfOrder().isEmpty() && !includeAll) {
      throw CliException.failure(
          "local migrations older than the newest applied one ("
              + plan.applied().getLast()
              + "): "
              + String.join(", ", plan.outOfOrder().stream().map(Migration::fileName).toList())
              + " — rerun with --include-all to apply them anyway");
    }
    List<Migration> pending =
        plan.pending().stream().filter(m -> to == null || m.version().compareTo(to) <= 0).toList();
    out.println("Connecting to " + target + " (" + plan.applied().size() + " migrations applied)");
    if (pending.isEmpty()) {
      out.println("Remote database is up to date.");
      out.flush();
      return CliException.OK;
    }
    if (dryRun) {
      out.println("Would apply these migrations (dry run, nothing changed):");
      for (Migration m : pending) {
        out.println(" • " + m.fileName() + " (" + m.statements().size() + " statements)");
      }
      out.flush();
      return CliException.OK;
    }
    long[] started = {0};
    try {
      runner.apply(
          pending,
          m -> {
            if (started[0] != 0) {
              out.println("ok (" + (System.nanoTime() - started[0]) / 1_000_000 + " ms)");
            }
            out.print("Applying migration " + m.fileName() + "... ");
            out.flush();
            started[0] = System.nanoTime();
          });
      out.println("ok (" + (System.nanoTime() - started[0]) / 1_000_000 + " ms)");
    } catch (MigrationException e) {
      out.println("FAILED");
      out.flush();
      throw CliException.failure(e.getMessage());
    }
    reloadApiSchema(ds);
    out.println(
        "Applied "
            + pending.size()
            + " migration(s); the database is at version "
            + pending.getLast().version()
            + ".");
    out.flush();
    return CliException.OK;
  }

  /** Tells PostgREST to reload its schema cache now (Supabase's documented way). */
  private static void reloadApiSchema(DataSource ds) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("NOTIFY pgrst, 'reload schema'");
    } catch (SQLException ignored) {
      // the API reloads on its own on hosted Supabase; this only makes it immediate
    }
  }
}
