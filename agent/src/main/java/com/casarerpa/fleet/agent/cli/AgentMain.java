package com.casarerpa.fleet.agent.cli;

import com.casarerpa.fleet.agent.AgentVersion;
import com.casarerpa.fleet.workflow.cli.WorkflowCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code casare-agent}: the robot agent's command line. */
@Command(
    name = "casare-agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description = {
      "The CasareRPA robot agent: registers this machine as a robot of a Supabase-managed fleet,",
      "claims jobs, runs their workflows, reports progress and ships logs.",
      "",
      "Configuration: defaults < config file (--config, default ./agent.env) < environment <",
      "flags. See config/agent.env.example for every setting."
    },
    subcommands = {
      RunCommand.class,
      DoctorCommand.class,
      WorkflowCommand.class,
      ServiceCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes of run: 0 stopped on request (jobs finished or released), 1 unexpected error,",
      "2 invalid configuration, 3 robot key rejected, 4 forced stop (second signal),",
      "5 backend unreachable at start."
    })
public final class AgentMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("run")) {
      WarmUp.start(); // the daemon's libraries load on a second core meanwhile
    }
    System.exit(commandLine().execute(args));
  }

  /** The configured command line (also used by tests and by launchers embedding the agent). */
  public static CommandLine commandLine() {
    return new CommandLine(new AgentMain()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Prints the build's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"casare-agent " + AgentVersion.get()};
    }
  }
}
