package com.casarerpa.fleet.devstack.cli;

import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.auth.DemoKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devstack start}: runs the local stack in the foreground until Ctrl-C or SIGTERM, after
 * printing (and with {@code --env-file} writing) the variables clients need.
 */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = {
      "Starts embedded PostgreSQL (migrated), /rest/v1, /realtime/v1 and /functions/v1 on one port.",
      "Prints SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_KEY and DATABASE_URL; stops on Ctrl-C."
    })
public final class StartCommand implements Callable<Integer> {
  /** Default data folder, under the user's home. */
  public static final Path DEFAULT_DATA =
      Path.of(System.getProperty("user.home"), ".casare-fleet", "devstack");

  @Option(
      names = "--port",
      defaultValue = "" + StackSettings.DEFAULT_PORT,
      description = "HTTP port for every API; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @ArgGroup(exclusive = true)
  Storage storage = new Storage();

  @Option(
      names = "--jwt-secret",
      defaultValue = "${env:DEVSTACK_JWT_SECRET:-" + DemoKeys.JWT_SECRET + "}",
      showDefaultValue = CommandLine.Help.Visibility.NEVER,
      description = {
        "HS256 secret (>= 32 bytes) for the API keys; default: $DEVSTACK_JWT_SECRET, else the",
        "supabase start demo secret. Prefer the variable: a flag is visible to `ps`."
      })
  String jwtSecret;

  @Option(
      names = "--functions",
      description = "Edge functions folder (default: install/supabase/functions).")
  Path functions;

  @Option(
      names = "--realtime-plan",
      defaultValue = "unlimited",
      description = {
        "Enforce a hosted plan's Realtime quotas with Supabase's errors: free, pro, team or",
        "unlimited (default: ${DEFAULT-VALUE}). free: 200 connections, 100 messages/s, 20 presence",
        "messages/s, 100 joins/s; pro: 500, 500, 50, 500; team: 10,000, 2,500, 1,000, 2,500."
      })
  String realtimePlan;

  @Option(names = "--env-file", description = "Also write the variables to FILE (KEY=value lines).")
  Path envFile;

  /** Where the database lives: a folder, or nowhere. */
  static final class Storage {
    @Option(
        names = "--data",
        description = "Database folder, kept across restarts (default: ~/.casare-fleet/devstack).")
    Path data;

    @Option(names = "--ephemeral", description = "Throw the database away on stop.")
    boolean ephemeral;
  }

  @Override
  public Integer call() throws Exception {
    StackSettings settings = settings();
    long started = System.nanoTime();
    LocalStack stack = LocalStack.start(settings);
    long readyMillis = (System.nanoTime() - started) / 1_000_000;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("devstack-shutdown")
                .unstarted(
                    () -> {
                      stack.close();
                      stopped.countDown();
                    }));
    Map<String, String> env = environment(stack);
    PrintStream out = System.out;
    env.forEach((k, v) -> out.println(k + "=" + v));
    if (envFile != null) {
      writeEnvFile(envFile, env);
      out.println("# written to " + envFile.toAbsolutePath());
    }
    out.println(
        "# ready in "
            + readyMillis
            + " ms; data: "
            + (settings.dataDirectory() == null ? "ephemeral" : settings.dataDirectory())
            + "; Ctrl-C stops");
    out.flush();
    stopped.await();
    return 0;
  }

  StackSettings settings() {
    Path data = storage.ephemeral ? null : storage.data != null ? storage.data : DEFAULT_DATA;
    return StackSettings.ephemeral()
        .withPort(port)
        .withDataDirectory(data)
        .withJwtSecret(jwtSecret)
        .withRealtimePlan(realtimePlan)
        .withFunctionsDirectory(
            functions == null
                ? StackSettings.defaultFunctionsDirectory()
                : functions.toAbsolutePath());
  }

  /** The variables clients need, in print order. */
  public static Map<String, String> environment(LocalStack stack) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SUPABASE_URL", stack.url());
    env.put("SUPABASE_ANON_KEY", stack.anonKey());
    env.put("SUPABASE_SERVICE_KEY", stack.serviceRoleKey());
    env.put("DATABASE_URL", stack.databaseUrl());
    return env;
  }

  static void writeEnvFile(Path file, Map<String, String> env) throws IOException {
    StringBuilder text = new StringBuilder();
    env.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    // the file holds the service key: write it owner-only (a temp file is 0600 on POSIX), then
    // move it into place so no reader ever sees a partial or world-readable file
    Path temp = Files.createTempFile(parent, ".devstack-env", ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
