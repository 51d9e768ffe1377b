package com.casarerpa.fleet.devstack.dev;

import com.casarerpa.fleet.devstack.cli.StartCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/devstack} as a developer meets it: the stack's own {@code start} plus {@code dev},
 * which also runs a robot agent in this process. A development tool; nothing here ships.
 */
@Command(
    name = "devstack",
    mixinStandardHelpOptions = true,
    versionProvider = DevHarnessMain.Version.class,
    description =
        "The CasareRPA local Supabase-compatible stack and the dev launcher (development only).",
    subcommands = {StartCommand.class, DevCommand.class, CommandLine.HelpCommand.class})
public final class DevHarnessMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = new CommandLine(new DevHarnessMain()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The version from the jar manifest, or "development". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = DevHarnessMain.class.getPackage().getImplementationVersion();
      return new String[] {"devstack (dev harness) " + (version == null ? "development" : version)};
    }
  }
}
