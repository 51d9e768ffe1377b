package com.casarerpa.fleet.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code casare-agent service ACTION}: the platform's service mechanism for this agent, wrapped.
 * Linux: systemctl on the units that the .deb or {@code install/linux/install.sh} installed.
 * Windows: procrun ({@link ProcrunService}) and sc.exe; {@code install/windows/install.ps1} copies
 * the files and then calls this.
 */
@Command(
    name = "service",
    mixinStandardHelpOptions = true,
    description = {
      "Install, update, uninstall, start or show the agent's system service.",
      "",
      "Linux: systemctl on casare-agent.service / casare-agent@NAME.service (the units come",
      "with the .deb or install/linux/install.sh). Windows: procrun service CasareAgent /",
      "CasareAgent-NAME (install/windows/install.ps1 copies the files and calls this).",
      "--print shows the commands without running them (on any system, with --platform)."
    })
final class ServiceCommand implements Callable<Integer> {
  enum Action {
    install,
    update,
    uninstall,
    start,
    status
  }

  enum Platform {
    linux,
    windows
  }

  private static final List<String> UNIT_FOLDERS =
      List.of("/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system");

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "ACTION",
      description = "install, update, uninstall, start or status")
  Action action;

  @Option(
      names = "--instance",
      paramLabel = "NAME",
      description = "A named instance (another robot on this machine); default: the main one.")
  String instance;

  @Option(names = "--print", description = "Print the commands instead of running them.")
  boolean print;

  @Option(names = "--platform", paramLabel = "linux|windows", description = "Default: this system.")
  Platform platform;

  @Option(
      names = "--account",
      paramLabel = "ACCOUNT",
      defaultValue = "virtual",
      description =
          "Windows: virtual (NT SERVICE\\<service>, default), LocalService, NetworkService or"
              + " LocalSystem.")
  String account;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "Windows: the installed program folder (default: the one holding this jar).")
  String home;

  @Option(
      names = "--data-root",
      paramLabel = "DIR",
      description = "Windows: instance folders (default %ProgramData%\\CasareRPA\\Agent).")
  String dataRoot;

  @Option(
      names = "--java-home",
      paramLabel = "DIR",
      description = "Windows: the Java runtime the service loads (default: the one running this).")
  String javaHome;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    List<List<String>> commands;
    try {
      Instances.check(instance);
      commands = platform() == Platform.linux ? linux() : windows();
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println(e.getMessage());
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (print) {
      commands.forEach(c -> out.println(render(c)));
      out.flush();
      return 0;
    }
    for (List<String> command : commands) {
      out.println("> " + render(command));
      out.flush();
      int code = run(command, err);
      if (code != 0 && action != Action.status) {
        err.println("failed: " + command.get(0) + " exited with " + code);
        return code;
      }
      if (code != 0) {
        return code;
      }
    }
    return 0;
  }

  private Platform platform() {
    if (platform != null) {
      return platform;
    }
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      return Platform.windows;
    }
    if (os.startsWith("linux")) {
      return Platform.linux;
    }
    throw new IllegalStateException(
        "casare-agent service supports Linux (systemd) and Windows, not "
            + System.getProperty("os.name")
            + "; run `casare-agent run` under this system's supervisor instead");
  }

  List<List<String>> linux() {
    String unit =
        instance == null ? "casare-agent.service" : "casare-agent@" + instance + ".service";
    if (!print && (action == Action.install || action == Action.start)) {
      String file = instance == null ? "casare-agent.service" : "casare-agent@.service";
      if (UNIT_FOLDERS.stream().noneMatch(d -> Files.exists(Path.of(d, file)))) {
        throw new IllegalStateException(
            file
                + " is not installed: install the .deb (apt install ./casare-agent_*.deb) or run"
                + " install/linux/install.sh from the distribution archive");
      }
    }
    return switch (action) {
      case install ->
          List.of(
              List.of("systemctl", "daemon-reload"), List.of("systemctl", "enable", "--now", unit));
      case update ->
          List.of(List.of("systemctl", "daemon-reload"), List.of("systemctl", "try-restart", unit));
      case uninstall -> List.of(List.of("systemctl", "disable", "--now", unit));
      case start -> List.of(List.of("systemctl", "start", unit));
      case status -> List.of(List.of("systemctl", "status", "--no-pager", unit));
    };
  }

  List<List<String>> windows() {
    ProcrunService service =
        new ProcrunService(
            instance,
            home != null ? home : programFolder(),
            dataRoot != null ? dataRoot : defaultDataRoot(),
            javaHome != null ? javaHome : System.getProperty("java.home"),
            ProcrunService.account(account));
    return switch (action) {
      case install -> service.install();
      case update -> service.update();
      case uninstall -> service.uninstall();
      case start -> service.start();
      case status -> service.status();
    };
  }

  /** The folder above {@code lib\casare-agent.jar}. */
  private static String programFolder() {
    try {
      Path jar =
          Path.of(ServiceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(jar)
          && jar.getParent() != null
          && jar.getParent().getParent() != null) {
        return jar.getParent().getParent().toString();
      }
    } catch (java.net.URISyntaxException | SecurityException e) {
      // fall through to the message below
    }
    throw new IllegalStateException(
        "cannot tell the program folder (not run from lib\\casare-agent.jar): pass --home DIR");
  }

  private static String defaultDataRoot() {
    String programData = System.getenv("ProgramData");
    return (programData != null ? programData : "C:\\ProgramData") + "\\CasareRPA\\Agent";
  }

  private static int run(List<String> command, PrintWriter err) {
    try {
      return new ProcessBuilder(command).inheritIO().start().waitFor();
    } catch (IOException e) {
      err.println("cannot run " + command.get(0) + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  static String render(List<String> command) {
    return command.stream()
        .map(a -> a.isEmpty() || a.contains(" ") ? '"' + a + '"' : a)
        .collect(Collectors.joining(" "));
  }
}
