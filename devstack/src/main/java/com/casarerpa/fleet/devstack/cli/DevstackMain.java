package com.casarerpa.fleet.devstack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code devstack}: the local Supabase-compatible stack's command line.
 *
 * <p>Subcommands: {@code start}. The {@code dev} launcher (stack plus an agent) is not here: it
 * lives in the dev-harness module, whose {@code DevHarnessMain} offers {@code start} and {@code
 * dev}.
 */
@Command(
    name = "devstack",
    mixinStandardHelpOptions = true,
    versionProvider = DevstackMain.Version.class,
    description = "The CasareRPA local Supabase-compatible stack (a development stand-in).",
    subcommands = {StartCommand.class, CommandLine.HelpCommand.class})
public final class DevstackMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = new CommandLine(new DevstackMain()).execute(args);
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
      String version = DevstackMain.class.getPackage().getImplementationVersion();
      return new String[] {"devstack " + (version == null ? "development" : version)};
    }
  }
}
