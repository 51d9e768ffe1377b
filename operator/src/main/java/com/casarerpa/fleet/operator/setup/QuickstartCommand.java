package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.Env;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.Settings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code setup quickstart}: asks for what {@code init} needs, with defaults from the current
 * settings, writes {@code .env}, and says what to run next. Every answer may be given as a flag
 * (secrets through the environment), and {@code --yes} accepts the defaults without asking.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Interactive first setup: asks for the project ref, keys and database password (secrets"
          + " are read without echo), writes .env and prints the next command. Every answer is"
          + " also a flag (--project-ref, --url, --anon-key, --pooler-host; secrets from"
          + " SUPABASE_SERVICE_KEY / SUPABASE_DB_PASSWORD); --yes asks nothing."
    })
public final class QuickstartCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-p", "--project-ref"},
      paramLabel = "REF")
  String projectRef;

  @Option(names = "--url", description = "API URL when not https://<ref>.supabase.co")
  String url;

  @Option(
      names = {"-a", "--anon-key"},
      paramLabel = "KEY")
  String anonKey;

  @Option(names = "--pooler-host", paramLabel = "HOST")
  String poolerHost;

  @Option(
      names = {"-y", "--yes"},
      description = "ask nothing: flags, environment and defaults only")
  boolean yes;

  @Option(names = "--force", description = "replace an existing .env without asking")
  boolean force;

  @Override
  public Integer call() {
    FleetMain root = FleetMain.of(spec);
    Env env = root.env();
    PrintWriter out = env.out();
    Settings current = root.settings();
    Path file = root.envFilePath();
    out.println("CasareRPA fleet quickstart: answers go to " + file + " (Enter keeps [default]).");
    out.flush();

    String ref =
        answer(
            env,
            projectRef,
            "Supabase project ref (blank for a self-hosted URL)",
            current.get(Settings.PROJECT_REF).orElse(""));
    String api = url;
    if (api == null) {
      String suggested =
          current.get(Settings.URL).orElse(ref.isEmpty() ? "" : "https://" + ref + ".supabase.co");
      api = answer(env, null, "API URL", suggested);
    }
    if (ref.isEmpty() && api.isEmpty()) {
      throw CliException.config("a project ref or an API URL is needed (--project-ref / --url)");
    }
    String anon = answer(env, anonKey, "anon key (public)", current.anonKey().orElse(""));
    String service = current.get(Settings.SERVICE_KEY).orElse(null);
    if (service == null && !yes) {
      service = Secrets.prompt(env, "service_role key (hidden)");
    }
    if (service == null || service.isBlank()) {
      throw CliException.config("no service key: set SUPABASE_SERVICE_KEY or answer the prompt");
    }
    String password = current.get(Settings.DB_PASSWORD).orElse(null);
    if (password == null && !yes) {
      password = Secrets.prompt(env, "database password (hidden; Enter to skip)");
    }
    String pooler = poolerHost;
    if (pooler == null && !yes && password != null && !password.isBlank()) {
      pooler =
          emptyToNull(
              answer(
                  env, null, "pooler host (blank: connect to db.<ref>.supabase.co directly)", ""));
    }
    boolean replace = force;
    if (Files.exists(file) && !replace) {
      String yn = yes ? "n" : answer(env, null, file + " exists; replace it? (y/N)", "n");
      replace = yn.toLowerCase().startsWith("y");
      if (!replace) {
        throw CliException.config(file + " already exists: keep it, or rerun with --force");
      }
    }
    Map<String, String> lines =
        EnvFile.lines(
            new EnvFile.Values(
                emptyToNull(ref),
                api.isEmpty() ? null : api,
                anon,
                service,
                emptyToNull(password),
                current.get(Settings.DATABASE_URL).orElse(null),
                pooler));
    EnvFile.write(file, lines, replace);
    out.println("Wrote " + file + " (mode 600).");
    out.println();
    out.println("Next: bin/casare-fleet setup all   (migrate, functions, verify, a first robot)");
    out.flush();
    return CliException.OK;
  }

  private String answer(Env env, String flag, String label, String defaultValue) {
    if (flag != null) {
      return flag;
    }
    if (yes) {
      return defaultValue == null ? "" : defaultValue;
    }
    String a = Secrets.ask(env, label, defaultValue);
    return a == null ? "" : a;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
