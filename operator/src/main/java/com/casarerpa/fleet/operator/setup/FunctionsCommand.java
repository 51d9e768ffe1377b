package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.Env;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.Settings;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code setup functions}: deploys the edge functions with the Supabase CLI. */
@Command(
    name = "functions",
    mixinStandardHelpOptions = true,
    description = {
      "Deploy install/supabase/functions with `supabase functions deploy` when the supabase CLI is"
          + " on the PATH; otherwise print the exact commands to run."
    })
public final class FunctionsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-n", "--name"},
      paramLabel = "NAME",
      description = "only this function")
  String name;

  @Option(names = "--dry-run", description = "print the commands; run nothing")
  boolean dryRun;

  @Option(
      names = {"-l", "--list"},
      description = "list the functions and stop")
  boolean list;

  @Option(names = "--dir", paramLabel = "DIR", description = "the Supabase folder")
  Path dir;

  @Override
  public Integer call() {
    return deploy(FleetMain.of(spec), dir, name, dryRun, list);
  }

  static int deploy(FleetMain root, Path dir, String only, boolean dryRun, boolean list) {
    Env env = root.env();
    PrintWriter out = env.out();
    Path supabase =
        SupabaseFolder.find(env, dir)
            .orElseThrow(
                () ->
                    CliException.config(
                        "no install/supabase folder here: run from the checkout or pass --dir"));
    List<String> names = SupabaseFolder.functions(supabase);
    if (only != null) {
      if (!names.contains(only)) {
        throw CliException.config(
            "no function "
                + only
                + " in "
                + supabase.resolve("functions")
                + " (have: "
                + String.join(", ", names)
                + ")");
      }
      names = List.of(only);
    }
    if (list) {
      names.forEach(out::println);
      out.flush();
      return CliException.OK;
    }
    Settings settings = root.settings();
    String url = settings.get(Settings.URL).orElse("");
    if (url.contains("://127.") || url.contains("://localhost")) {
      out.println(
          "The local stack serves "
              + supabase.resolve("functions")
              + " directly (/functions/v1/<name>): nothing to deploy.");
      out.flush();
      return CliException.OK;
    }
    Optional<String> ref = settings.get(Settings.PROJECT_REF);
    Path workdir = supabase.toAbsolutePath().getParent();
    Optional<Path> cli = onPath(env, "supabase");
    List<List<String>> commands = new ArrayList<>();
    for (String n : names) {
      List<String> command = new ArrayList<>(List.of("supabase", "functions", "deploy", n));
      ref.ifPresent(r -> command.addAll(List.of("--project-ref", r)));
      commands.add(command);
    }
    if (dryRun || cli.isEmpty()) {
      out.println(
          cli.isEmpty() && !dryRun
              ? "The supabase CLI is not on the PATH (https://supabase.com/docs/guides/cli). Run:"
              : "Would run:");
      out.println("  cd " + workdir);
      commands.forEach(c -> out.println("  " + String.join(" ", c)));
      out.flush();
      return CliException.OK;
    }
    for (List<String> command : commands) {
      out.println("Deploying " + command.get(3) + " ...");
      out.flush();
      command.set(0, cli.get().toString());
      try {
        Process p = new ProcessBuilder(command).directory(workdir.toFile()).inheritIO().start();
        int code = p.waitFor();
        if (code != 0) {
          throw CliException.failure(
              String.join(" ", command.subList(1, command.size())) + " exited with " + code);
        }
      } catch (IOException e) {
        throw CliException.failure("cannot run supabase: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CliException.failure("interrupted");
      }
    }
    out.println("Deployed " + names.size() + " function(s).");
    out.flush();
    return CliException.OK;
  }

  static Optional<Path> onPath(Env env, String program) {
    String path = env.variables().getOrDefault("PATH", "");
    for (String d : path.split(File.pathSeparator)) {
      if (d.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(d, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
