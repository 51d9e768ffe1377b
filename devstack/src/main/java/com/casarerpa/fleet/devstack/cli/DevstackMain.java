package com.casarerpa.fleet.devstack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code devstack}: the local Supabase-compatible stack's command line.
 *
 * <p>Subcommands: {@code start} (this module); more may be added to {@link #SUBCOMMANDS}'s
 * annotation list (for example {@code dev}, which also runs an agent).
 */
@Command(
    name = "devstack",
    mixinStandardHelpOptions = true,
    versionProvider = DevstackMain.Version.class,
    description = "The CasareRPA local Supabase-compatible stack (a development stand-in).",
    subcommands = {StartCommand.class, DevCommand.class, CommandLine.HelpCommand.class})
public final class DevstackMain implements Runnable {
  /** Where subcommands are listed: the {@code subcommands} attribute above. */
  static final String SUBCOMMANDS = "start, dev";

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
