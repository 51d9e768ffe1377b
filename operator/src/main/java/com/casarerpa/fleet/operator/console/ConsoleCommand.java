package com.casarerpa.fleet.operator.console;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.Settings;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code casare-fleet console}: the fleet in a browser. Runs until Ctrl-C. The service key stays in
 * this process; the browser logs in with a token printed here (or {@code CASARE_CONSOLE_PASSWORD}).
 */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description =
        "Web console for the fleet (robots, queue, jobs with live logs, workflows, keys, schedules,"
            + " charts), updated live from Realtime. Bound to 127.0.0.1 unless --host says"
            + " otherwise; log in with the token it prints (or CASARE_CONSOLE_PASSWORD).")
public final class ConsoleCommand implements Runnable {
  public static final String PASSWORD_VARIABLE = "CASARE_CONSOLE_PASSWORD";
  public static final int DEFAULT_PORT = 8470;
  static final int MIN_PASSWORD_LENGTH = 12;

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description =
          "address to listen on (default 127.0.0.1; anything else is reachable by others)")
  String host;

  @Option(
      names = "--port",
      defaultValue = "" + DEFAULT_PORT,
      paramLabel = "PORT",
      description = "port (default " + DEFAULT_PORT + "; 0 picks a free one)")
  int port;

  @Override
  public void run() {
    FleetMain root = FleetMain.of(spec);
    if (port < 0 || port > 65535) {
      throw CliException.config("--port must be 0..65535, got " + port);
    }
    Settings settings = root.settings();
    FleetApi api = FleetApi.from(settings);
    String password = root.env().variables().get(PASSWORD_VARIABLE);
    boolean printed = password == null || password.isBlank();
    if (!printed && password.strip().length() < MIN_PASSWORD_LENGTH) {
      throw CliException.config(
          PASSWORD_VARIABLE + " must be at least " + MIN_PASSWORD_LENGTH + " characters long");
    }
    String secret = printed ? ConsoleAuth.newToken() : password.strip();
    ConsoleServer server;
    try {
      server = ConsoleServer.start(host, port, api, settings.serviceKey(), secret);
    } catch (RuntimeException e) {
      throw CliException.failure("cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
    PrintWriter out = root.env().out();
    out.println("Console for " + api.url() + " at " + server.url());
    out.println(
        printed
            ? "Login token (this run only): " + secret
            : "Log in with the password in " + PASSWORD_VARIABLE + ".");
    if (!ConsoleServer.isLoopback(host)) {
      out.println(
          "Warning: listening on "
              + host
              + " over plain HTTP: others on the network can reach it; put TLS in front.");
    }
    out.println("Ctrl-C stops it.");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              server.close();
              stopped.countDown();
            },
            "console-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      // an interrupt is a stop request (embedding, tests): stop first, then keep the flag
      Runtime.getRuntime().removeShutdownHook(hook);
      server.close();
      Thread.currentThread().interrupt();
    }
  }
}
