package com.casarerpa.fleet.operator.setup;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.Env;
import com.casarerpa.fleet.operator.FleetMain;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code setup init}: writes {@code .env} with the seed's variable names. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Write the .env file (mode 600) with the seed's variable names. The service key and the"
          + " database password come from SUPABASE_SERVICE_KEY / SUPABASE_DB_PASSWORD in the"
          + " environment, from standard input (--service-key-stdin), or a hidden prompt; the"
          + " flags --service-key/--db-password also need --insecure-flag-secrets."
    })
public final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-p", "--project-ref"},
      paramLabel = "REF",
      description = "the project ref (the <ref> of https://<ref>.supabase.co)")
  String projectRef;

  @Option(names = "--url", description = "API URL when not https://<ref>.supabase.co")
  String url;

  @Option(
      names = {"-s", "--service-key"},
      paramLabel = "KEY",
      description = "service_role key (needs --insecure-flag-secrets)")
  String serviceKey;

  @Option(names = "--service-key-stdin", description = "read the service_role key from stdin")
  boolean serviceKeyStdin;

  @Option(
      names = {"-a", "--anon-key"},
      paramLabel = "KEY",
      description = "anon key (public)")
  String anonKey;

  @Option(
      names = {"-d", "--db-password"},
      paramLabel = "PASSWORD",
      description = "database password (needs --insecure-flag-secrets)")
  String dbPassword;

  @Option(names = "--database-url", paramLabel = "URL", description = "DATABASE_URL as is")
  String databaseUrl;

  @Option(
      names = "--pooler-host",
      paramLabel = "HOST",
      description =
          "Supabase pooler host (e.g. aws-0-eu-central-1.pooler.supabase.com): DATABASE_URL"
              + " then goes through the transaction pooler")
  String poolerHost;

  @Option(names = "--insecure-flag-secrets", description = "accept secrets given as flags")
  boolean insecureFlagSecrets;

  @Option(names = "--force", description = "replace an existing file")
  boolean force;

  @Override
  public Integer call() {
    FleetMain root = FleetMain.of(spec);
    Env env = root.env();
    if (projectRef == null && url == null) {
      throw CliException.config(
          "--project-ref REF (or --url URL for a self-hosted project) is required");
    }
    String service = Secrets.fromFlag(serviceKey, "--service-key", insecureFlagSecrets);
    if (service == null && serviceKeyStdin) {
      service = Secrets.readLine(env);
    }
    if (service == null) {
      service = env.variables().get("SUPABASE_SERVICE_KEY");
    }
    if ((service == null || service.isBlank()) && env.console() != null) {
      service = Secrets.prompt(env, "service_role key (hidden)");
    }
    if (service == null || service.isBlank()) {
      throw CliException.config(
          "no service key: set SUPABASE_SERVICE_KEY, or use --service-key-stdin");
    }
    String password = Secrets.fromFlag(dbPassword, "--db-password", insecureFlagSecrets);
    if (password == null) {
      password = env.variables().get("SUPABASE_DB_PASSWORD");
    }
    Path file = root.envFilePath();
    Map<String, String> lines =
        EnvFile.lines(
            new EnvFile.Values(
                projectRef, url, anonKey, service, password, databaseUrl, poolerHost));
    EnvFile.write(file, lines, force);
    env.out().println("Wrote " + file + " (mode 600): " + String.join(", ", lines.keySet()));
    env.out().println("Next: casare-fleet setup migrate   (or `setup all` for everything)");
    env.out().flush();
    return CliException.OK;
  }
}
