package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.FleetOps;
import com.casarerpa.fleet.operator.Settings;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code setup all}: a new project ready for its first robot. */
@Command(
    name = "all",
    mixinStandardHelpOptions = true,
    description = {
      "The whole setup of a new project: migrate, functions, verify, then a first robot and its"
          + " key, printed once as agent.env lines ready to paste. Stops at the first failing"
          + " step."
    })
public final class AllCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-r", "--robot-name"},
      paramLabel = "NAME",
      description = "default Robot-<hostname>")
  String robotName;

  @Option(
      names = "--environment",
      defaultValue = "default",
      description = "the robot's environment")
  String environment;

  @Option(
      names = "--capability",
      paramLabel = "CAP",
      description = "a robot capability (repeatable)")
  List<String> capabilities = List.of();

  @Option(names = "--dir", paramLabel = "DIR", description = "the Supabase folder")
  Path dir;

  @Override
  public Integer call() {
    FleetMain root = FleetMain.of(spec);
    PrintWriter out = root.env().out();
    out.println("== 1/4 migrate");
    out.flush();
    MigrateCommand.migrate(root, dir, false, null, false);
    out.println();
    out.println("== 2/4 functions");
    out.flush();
    FunctionsCommand.deploy(root, dir, null, false, false);
    out.println();
    out.println("== 3/4 verify");
    out.flush();
    List<VerifyCommand.Check> checks = VerifyCommand.run(root, dir);
    VerifyCommand.print(out, checks, false);
    if (!checks.stream().allMatch(VerifyCommand.Check::passed)) {
      throw CliException.failure(
          "the project does not pass `setup verify` yet: fix the FAIL lines above, then rerun"
              + " `casare-fleet setup all` (it is safe to rerun)");
    }
    out.println();
    out.println("== 4/4 first robot");
    Settings settings = root.settings();
    FleetOps ops = new FleetOps(FleetApi.from(settings));
    String name = robotName != null ? robotName : "Robot-" + EnvFile.hostname();
    ArrayNode caps = FleetApi.JSON.createArrayNode();
    capabilities.forEach(caps::add);
    FleetOps.NewRobot robot = ops.robotWithKey(name, environment, caps, 1);
    out.println(
        (robot.created() ? "Created robot " : "Robot already exists, new key for ")
            + robot.name()
            + " ("
            + robot.id()
            + "). Its key is shown this once; put these lines in the robot's agent.env:");
    out.println();
    out.println("SUPABASE_URL=" + settings.url());
    out.println("SUPABASE_ANON_KEY=" + settings.anonKey().orElse("<the project's anon key>"));
    out.println("ROBOT_API_KEY=" + robot.key());
    out.println("ROBOT_NAME=" + robot.name());
    out.println("ROBOT_ENVIRONMENT=" + environment);
    out.println();
    out.println("Then on the robot machine: bin/casare-agent run --config agent.env");
    out.flush();
    return CliException.OK;
  }
}
