package com.casarerpa.fleet.agent.cli;

import com.casarerpa.fleet.agent.AgentVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code casare-agent version}. */
@Command(name = "version", description = "Print the agent, Java and OS versions.")
final class VersionCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.println(
        "casare-agent "
            + AgentVersion.get()
            + " (Java "
            + Runtime.version()
            + ", "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch")
            + ")");
    return 0;
  }
}
