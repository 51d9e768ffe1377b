package com.casarerpa.fleet.operator;

import com.casarerpa.fleet.operator.console.ConsoleCommand;
import com.casarerpa.fleet.operator.fleet.FleetCommand;
import com.casarerpa.fleet.operator.fleet.JobsCommand;
import com.casarerpa.fleet.operator.fleet.KeysCommand;
import com.casarerpa.fleet.operator.fleet.LogsCommand;
import com.casarerpa.fleet.operator.fleet.RobotsCommand;
import com.casarerpa.fleet.operator.fleet.WorkflowsCommand;
import com.casarerpa.fleet.operator.setup.SetupCommand;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code casare-fleet}: the operator's command. Exit codes: 0 ok, 1 failure, 2 usage or
 * configuration, 3 authentication.
 */
@Command(
    name = "casare-fleet",
    mixinStandardHelpOptions = true,
    versionProvider = FleetMain.Version.class,
    description = "Set up a Supabase project for the CasareRPA fleet and run the fleet.",
    subcommands = {
      SetupCommand.class,
      RobotsCommand.class,
      KeysCommand.class,
      WorkflowsCommand.class,
      JobsCommand.class,
      LogsCommand.class,
      FleetCommand.class,
      ConsoleCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0 ok, 1 failure, 2 usage or configuration, 3 authentication refused",
      "",
      "Settings: the environment, then the .env file (--env-file):",
      "  SUPABASE_URL, SUPABASE_SERVICE_KEY, SUPABASE_ANON_KEY,",
      "  SUPABASE_PROJECT_REF, SUPABASE_DB_PASSWORD, DATABASE_URL",
      "`casare-fleet setup init` (or `setup quickstart`) writes it."
    })
public final class FleetMain implements Runnable {
  private final Env env;

  @Option(
      names = "--env-file",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "settings file (default: .env in the working directory)")
  Path envFile;

  public FleetMain(Env env) {
    this.env = env;
  }

  public static void main(String[] args) {
    System.exit(run(Env.system(), args));
  }

  /** Runs one command line; returns its exit code. */
  public static int run(Env env, String... args) {
    FleetMain root = new FleetMain(env);
    CommandLine cli = new CommandLine(root);
    cli.setOut(env.out());
    cli.setErr(env.err());
    cli.setExitCodeExceptionMapper(
        e -> e instanceof CliException c ? c.exitCode() : CliException.FAILURE);
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof CliException c) {
            env.err().println("error: " + c.getMessage());
            env.err().flush();
            return c.exitCode();
          }
          env.err().println("error: " + e);
          env.err().flush();
          return CliException.FAILURE;
        });
    int code = cli.execute(args);
    env.out().flush();
    env.err().flush();
    return code;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "a command is required (see --help)");
  }

  public Env env() {
    return env;
  }

  /** The settings file: {@code --env-file}, else {@code .env} in the working directory. */
  public Path envFilePath() {
    return env.resolve(envFile == null ? Path.of(".env") : envFile);
  }

  public Settings settings() {
    return Settings.load(env, envFilePath());
  }

  public FleetApi api() {
    return FleetApi.from(settings());
  }

  /** The root of any command's tree. */
  public static FleetMain of(CommandLine.Model.CommandSpec spec) {
    return (FleetMain) spec.root().userObject();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = FleetMain.class.getPackage().getImplementationVersion();
      return new String[] {"casare-fleet " + (v == null ? "dev" : v)};
    }
  }
}
