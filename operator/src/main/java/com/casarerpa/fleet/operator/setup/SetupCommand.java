package com.casarerpa.fleet.operator.setup;

import picocli.CommandLine.Command;

/** {@code casare-fleet setup …}: the seed's setup commands, same names. */
@Command(
    name = "setup",
    mixinStandardHelpOptions = true,
    description = "Set up a Supabase project: .env, migrations, functions, checks, types.",
    subcommands = {
      QuickstartCommand.class,
      InitCommand.class,
      MigrateCommand.class,
      FunctionsCommand.class,
      RlsCommand.class,
      VerifyCommand.class,
      TypesCommand.class,
      AllCommand.class
    })
public final class SetupCommand {}
