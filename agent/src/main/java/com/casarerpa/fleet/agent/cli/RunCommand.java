package com.casarerpa.fleet.agent.cli;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.AgentExit;
import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.config.ConfigException;
import com.casarerpa.fleet.agent.jobs.EngineExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code casare-agent run}: the daemon, as the service manager runs it. SIGTERM or SIGINT once:
 * drain and stop; twice: stop running jobs at once; three times: exit immediately.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the robot agent until stopped (what the service manager runs).",
      "",
      "Signals: the first SIGTERM/SIGINT stops claiming, lets running jobs finish within",
      "ROBOT_SHUTDOWN_BUDGET and releases the rest; a second stops running jobs at once;",
      "a third exits immediately."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOptions options;

  /** Null: stop on SIGTERM/SIGINT. Otherwise the host that will call {@link Agent#requestStop}. */
  private final Consumer<Agent> stopSource;

  /** The daemon as a console process or under systemd: stopped by signals. */
  RunCommand() {
    this(null);
  }

  /**
   * The daemon hosted by a service wrapper that calls a stop method instead of sending signals
   * (procrun on Windows, see {@link WindowsService}); it is handed the agent before it starts.
   */
  RunCommand(Consumer<Agent> stopSource) {
    this.stopSource = stopSource;
  }

  @Override
  public Integer call() {
    AgentConfig config;
    try {
      config = options.read();
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return AgentExit.CONFIG.code();
    }
    Agent agent;
    try {
      agent =
          new Agent(
              config,
              EngineExecutor.standard(
                  config.dataDir().resolve("work"),
                  config.workflowHttp(),
                  config.credentials().provider(),
                  config.pathMap()));
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return AgentExit.CONFIG.code();
    }
    agent.shipOwnLogs();
    if (stopSource != null) {
      stopSource.accept(agent);
    } else {
      stopOnSignals(agent);
    }
    return agent.run().code();
  }

  private static void stopOnSignals(Agent agent) {
    AtomicInteger signals = new AtomicInteger();
    for (String name : new String[] {"TERM", "INT"}) {
      Signals.handle(
          name,
          signal -> {
            int n = signals.incrementAndGet();
            log.info("received SIG{} ({} of 3)", signal, n);
            if (n >= 3) {
              Runtime.getRuntime().halt(AgentExit.FORCED.code());
            }
            agent.requestStop();
          });
    }
  }
}
