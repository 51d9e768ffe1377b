package com.casarerpa.fleet.devstack.dev;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.jobs.EngineExecutor;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.cli.StartCommand;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devstack dev}: everything on one machine with one command. Starts the local stack, creates
 * a robot and its key, runs a robot agent in this process, upserts and enqueues the demo workflows,
 * shows their progress, then keeps serving until Ctrl-C.
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Start the local stack and a robot agent, run the demo workflows with live progress,",
      "then keep serving until Ctrl-C (or exit after the demo with --exit-after-demo)."
    })
public final class DevCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      defaultValue = "" + StackSettings.DEFAULT_PORT,
      description = "HTTP port of the stack; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data",
      description = "Keep the database in this folder (default: a throwaway database).")
  Path data;

  @Option(
      names = "--workflows",
      defaultValue = "config/workflows",
      description = "Folder of demo workflow JSON files (default: ${DEFAULT-VALUE}).")
  Path workflows;

  @Option(
      names = "--robot-jobs",
      defaultValue = "2",
      description = "Jobs the robot runs at once (default: ${DEFAULT-VALUE}).")
  int robotJobs;

  @Option(
      names = "--exit-after-demo",
      description = "Stop after the demo; exit 1 if any demo job did not complete.")
  boolean exitAfterDemo;

  @Option(
      names = "--demo-timeout",
      defaultValue = "120s",
      description = "Longest the demo may take (default: ${DEFAULT-VALUE}).")
  String demoTimeout;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (!Files.isDirectory(workflows)) {
      System.err.println(
          "--workflows "
              + workflows.toAbsolutePath()
              + ": no such folder; run from the repository root or pass --workflows DIR");
      return 2;
    }
    StackSettings settings =
        StackSettings.ephemeral()
            .withPort(port)
            .withDataDirectory(data)
            .withFunctionsDirectory(StackSettings.defaultFunctionsDirectory());
    LocalStack stack = LocalStack.start(settings);
    Agent agent = null;
    boolean serving = false;
    try {
      FleetAdmin admin = new FleetAdmin(stack.url(), stack.serviceRoleKey());
      FleetAdmin.Robot robot = admin.createRobot(robotName(), robotJobs);
      agent = startAgent(stack, robot, Files.createTempDirectory("casare-dev-agent"));
      printBanner(out, stack, robot);
      DemoRun demo = new DemoRun(admin, out);
      demo.enqueueAll(workflows);
      int notCompleted = demo.follow(parseTimeout());
      if (exitAfterDemo) {
        return notCompleted == 0 ? 0 : 1;
      }
      out.println("serving at " + stack.url() + " with robot " + robot.name() + "; Ctrl-C stops");
      out.flush();
      serving = true;
      serveUntilCtrlC(agent, stack);
      return 0;
    } finally {
      if (!serving) {
        if (agent != null) {
          agent.close(Duration.ofSeconds(30));
        }
        stack.close();
      }
    }
  }

  /** Ctrl-C (SIGINT) or SIGTERM: the shutdown hook stops the agent, then the stack. */
  private static void serveUntilCtrlC(Agent agent, LocalStack stack) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("dev-shutdown")
                .unstarted(
                    () -> {
                      agent.close(Duration.ofSeconds(30));
                      stack.close();
                      stopped.countDown();
                    }));
    stopped.await();
  }

  private Agent startAgent(LocalStack stack, FleetAdmin.Robot robot, Path dataDir) {
    AgentConfig config =
        AgentConfig.builder(URI.create(stack.url()), stack.anonKey(), robot.key())
            .maxConcurrentJobs(robotJobs)
            .dataDir(dataDir)
            .opsPort(0)
            .build();
    Agent agent =
        new Agent(config, EngineExecutor.standard(dataDir.resolve("work"), config.workflowHttp()));
    agent.start();
    return agent;
  }

  private static void printBanner(PrintStream out, LocalStack stack, FleetAdmin.Robot robot) {
    out.println();
    out.println("CasareRPA fleet, local:");
    StartCommand.environment(stack).forEach((k, v) -> out.println("  " + k + "=" + v));
    out.println("  robot " + robot.name() + " (" + robot.id() + ") is online in this process");
    out.println();
  }

  private Duration parseTimeout() {
    String text = demoTimeout.strip().toLowerCase();
    if (text.endsWith("s")) {
      text = text.substring(0, text.length() - 1);
    }
    return Duration.ofSeconds(Long.parseLong(text));
  }

  private static String robotName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    return "dev-robot-" + host + "-" + UUID.randomUUID().toString().substring(0, 4);
  }
}
