package com.casarerpa.fleet.agent.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The commands that register the agent as a Windows service with Apache Commons Daemon's procrun
 * ({@code prunsrv.exe}, shipped in the distribution under {@code bin\windows}), one service per
 * instance. Paths are Windows paths given as text, so the argument lists can be built and checked
 * on any machine.
 *
 * <p>Layout: the program under {@code home} (e.g. {@code C:\Program Files\CasareRPA\Agent}), shared
 * by every instance; per instance under {@code dataRoot\<instance>}: {@code agent.env}, {@code
 * data\} (ROBOT_DATA_DIR) and {@code logs\} (procrun's log, the JVM's stdout/stderr and the agent's
 * rolling log files).
 *
 * <p>procrun runs in {@code jvm} mode: it loads {@code jvm.dll} in-process and calls {@link
 * WindowsService#start} / {@link WindowsService#stop}, so a service stop drains the agent exactly
 * like SIGTERM does on Linux.
 */
record ProcrunService(
    String instance, String home, String dataRoot, String javaHome, Account account) {

  /** The service name of the default instance; a named instance is {@code CasareAgent-NAME}. */
  static final String BASE_NAME = "CasareAgent";

  /**
   * How long procrun lets the agent stop before it gives up on it: above the default shutdown
   * budget (30 s) plus the cancel grace (10 s) and the final offline call.
   */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

  /** The account the service runs as; least privilege first. */
  enum Account {
    /** {@code NT SERVICE\<service>}: a per-service virtual account (the default). */
    VIRTUAL,
    LOCAL_SERVICE,
    NETWORK_SERVICE,
    LOCAL_SYSTEM
  }

  ProcrunService {
    Instances.check(instance);
    home = trimSeparator(home);
    dataRoot = trimSeparator(dataRoot);
    javaHome = trimSeparator(javaHome);
  }

  String serviceName() {
    return instance == null ? BASE_NAME : BASE_NAME + "-" + instance;
  }

  String displayName() {
    return instance == null ? "CasareRPA Agent" : "CasareRPA Agent (" + instance + ")";
  }

  String instanceDir() {
    return dataRoot + "\\" + (instance == null ? "default" : instance);
  }

  String configFile() {
    return instanceDir() + "\\agent.env";
  }

  String dataDir() {
    return instanceDir() + "\\data";
  }

  String logDir() {
    return instanceDir() + "\\logs";
  }

  String prunsrv() {
    return home + "\\bin\\windows\\amd64\\prunsrv.exe";
  }

  /** The account name as the service control manager and icacls know it. */
  String accountName() {
    return switch (account) {
      case VIRTUAL -> "NT SERVICE\\" + serviceName();
      case LOCAL_SERVICE -> "NT AUTHORITY\\LocalService";
      case NETWORK_SERVICE -> "NT AUTHORITY\\NetworkService";
      case LOCAL_SYSTEM -> "LocalSystem";
    };
  }

  /** Creates the service, then account, delayed start, recovery actions and folder rights. */
  List<List<String>> install() {
    List<List<String>> commands = new ArrayList<>();
    commands.add(procrun("//IS//"));
    commands.addAll(configure());
    return commands;
  }

  /** After an upgrade of the program files: the same settings on the existing service. */
  List<List<String>> update() {
    List<List<String>> commands = new ArrayList<>();
    commands.add(procrun("//US//"));
    commands.addAll(configure());
    return commands;
  }

  /** Stops the service (letting the agent drain) and deletes it; the instance folder stays. */
  List<List<String>> uninstall() {
    return List.of(List.of(prunsrv(), "//DS//" + serviceName()));
  }

  List<List<String>> status() {
    return List.of(List.of("sc.exe", "queryex", serviceName()));
  }

  List<List<String>> start() {
    return List.of(List.of("sc.exe", "start", serviceName()));
  }

  private List<String> procrun(String verb) {
    List<String> c = new ArrayList<>();
    c.add(prunsrv());
    c.add(verb + serviceName());
    c.add("--DisplayName=" + displayName());
    c.add("--Description=Runs CasareRPA workflows as a robot of the fleet (casare-agent).");
    c.add("--Install=" + prunsrv());
    c.add("--Startup=auto");
    c.add("--Jvm=" + javaHome + "\\bin\\server\\jvm.dll");
    c.add("--Classpath=" + home + "\\lib\\casare-agent.jar");
    // -Xrs: the JVM ignores console events; procrun stops it through WindowsService.stop. Then
    // the JVM defaults every launcher of the agent applies (JvmDefaults).
    List<String> options = new ArrayList<>();
    options.add("-Xrs");
    options.addAll(JvmDefaults.forWindows());
    options.add("-Dlogback.configurationFile=" + home + "\\config\\logback-service.xml");
    options.add("-DAGENT_LOG_DIR=" + logDir());
    c.add("--JvmOptions=" + String.join(";", options));
    c.add("--JvmOptions9=--enable-native-access=ALL-UNNAMED");
    c.add("--StartPath=" + dataDir());
    c.add("--StartMode=jvm");
    c.add("--StartClass=" + WindowsService.class.getName());
    c.add("--StartMethod=start");
    c.add("--StartParams=--config;" + configFile() + ";--data-dir;" + dataDir());
    c.add("--StopMode=jvm");
    c.add("--StopClass=" + WindowsService.class.getName());
    c.add("--StopMethod=stop");
    c.add("--StopTimeout=" + STOP_TIMEOUT.toSeconds());
    c.add("--LogPath=" + logDir());
    c.add("--LogPrefix=procrun");
    c.add("--LogLevel=Info");
    c.add("--StdOutput=auto");
    c.add("--StdError=auto");
    return c;
  }

  private List<List<String>> configure() {
    String svc = serviceName();
    List<List<String>> c = new ArrayList<>();
    List<String> account = new ArrayList<>(List.of("sc.exe", "config", svc, "obj=", accountName()));
    if (this.account == Account.LOCAL_SERVICE || this.account == Account.NETWORK_SERVICE) {
      account.addAll(List.of("password=", ""));
    }
    c.add(account);
    c.add(List.of("sc.exe", "config", svc, "start=", "delayed-auto"));
    // restart after 10 s, 30 s, then every 60 s; the count resets after a day without failure
    c.add(
        List.of(
            "sc.exe",
            "failure",
            svc,
            "reset=",
            "86400",
            "actions=",
            "restart/10000/restart/30000/restart/60000"));
    // also when the service stops by itself with a non-zero exit code (not only on a crash)
    c.add(List.of("sc.exe", "failureflag", svc, "1"));
    // only administrators and SYSTEM may read the instance folder (agent.env holds the robot
    // key); the service account reads it and writes data\ and logs\
    String who = accountName();
    c.add(
        List.of(
            "icacls",
            instanceDir(),
            "/inheritance:r",
            "/grant:r",
            "*S-1-5-18:(OI)(CI)F",
            "*S-1-5-32-544:(OI)(CI)F",
            who + ":(OI)(CI)RX"));
    c.add(List.of("icacls", dataDir(), "/grant", who + ":(OI)(CI)M"));
    c.add(List.of("icacls", logDir(), "/grant", who + ":(OI)(CI)M"));
    return c;
  }

  private static String trimSeparator(String path) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("a Windows path is required");
    }
    String p = path.strip();
    while (p.length() > 3 && (p.endsWith("\\") || p.endsWith("/"))) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  /** Parses {@code virtual}, {@code LocalService}, {@code local-service} and the like. */
  static Account account(String text) {
    String key = text.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    return switch (key) {
      case "virtual" -> Account.VIRTUAL;
      case "localservice" -> Account.LOCAL_SERVICE;
      case "networkservice" -> Account.NETWORK_SERVICE;
      case "localsystem" -> Account.LOCAL_SYSTEM;
      default ->
          throw new IllegalArgumentException(
              "--account "
                  + text
                  + ": unknown; use virtual (default), LocalService, NetworkService or"
                  + " LocalSystem");
    };
  }
}
