package com.casarerpa.fleet.agent.cli;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.AgentExit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The entry points Apache Commons Daemon's procrun calls in {@code jvm} mode (the Windows service;
 * see {@link ProcrunService} for how it is registered). Windows sends services no signal, so
 * procrun calls {@link #stop} from its own thread; that starts the same staged shutdown as the
 * first SIGTERM on Linux: stop claiming, drain within {@code ROBOT_SHUTDOWN_BUDGET}, release the
 * rest, go offline.
 */
public final class WindowsService {
  private static final Logger log = LoggerFactory.getLogger(WindowsService.class);

  // guarded by WindowsService.class: the agent of the running start(), and whether a stop came
  // before start() had one (procrun may call stop while the configuration is still being read)
  private static Agent agent;
  private static boolean stopRequested;

  private WindowsService() {}

  /**
   * Runs the agent until {@link #stop} is called; {@code args} are those of {@code casare-agent
   * run} (procrun's {@code --StartParams}). Returns normally after a requested stop; any other
   * outcome ends the JVM with the agent's exit code, so the service control manager sees a failure
   * and applies the service's recovery actions.
   */
  public static void start(String[] args) {
    int code = runHosted(args);
    forget();
    if (code != AgentExit.OK.code()) {
      log.error("the agent stopped with exit code {}", code);
      System.exit(code);
    }
  }

  /** Asks the running agent to drain and stop; returns at once (procrun waits for start()). */
  public static void stop(String[] args) {
    Agent current;
    synchronized (WindowsService.class) {
      stopRequested = true;
      current = agent;
    }
    log.info("stop requested by the Windows service manager");
    if (current != null) {
      current.requestStop();
    }
  }

  /** Whether a start() has its agent (for tests). */
  static synchronized boolean hasAgent() {
    return agent != null;
  }

  static int runHosted(String[] args) {
    return new CommandLine(new RunCommand(WindowsService::attach))
        .setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args);
  }

  static synchronized void forget() {
    agent = null;
    stopRequested = false;
  }

  private static void attach(Agent started) {
    boolean early;
    synchronized (WindowsService.class) {
      agent = started;
      early = stopRequested;
    }
    if (early) {
      started.requestStop();
    }
  }
}
