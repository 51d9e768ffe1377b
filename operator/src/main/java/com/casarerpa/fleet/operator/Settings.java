package com.casarerpa.fleet.operator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's settings: environment variables first, then the {@code .env} file (the seed's
 * variable names: {@code SUPABASE_URL}, {@code SUPABASE_SERVICE_KEY}, {@code SUPABASE_ANON_KEY},
 * {@code SUPABASE_PROJECT_REF}, {@code SUPABASE_DB_PASSWORD}, {@code DATABASE_URL}).
 */
public final class Settings {
  public static final String URL = "SUPABASE_URL";
  public static final String SERVICE_KEY = "SUPABASE_SERVICE_KEY";
  public static final String ANON_KEY = "SUPABASE_ANON_KEY";
  public static final String PROJECT_REF = "SUPABASE_PROJECT_REF";
  public static final String DB_PASSWORD = "SUPABASE_DB_PASSWORD";
  public static final String DATABASE_URL = "DATABASE_URL";

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Path envFile;

  private Settings(Path envFile) {
    this.envFile = envFile;
  }

  /** Reads {@code envFile} (when it exists), then lets the environment override it. */
  public static Settings load(Env env, Path envFile) {
    Settings settings = new Settings(envFile);
    if (envFile != null && Files.isRegularFile(envFile)) {
      settings.values.putAll(parse(envFile));
    }
    env.variables()
        .forEach(
            (k, v) -> {
              if (v != null
                  && !v.isBlank()
                  && (k.startsWith("SUPABASE_") || k.equals(DATABASE_URL))) {
                settings.values.put(k, v.strip());
              }
            });
    // the name Supabase's own tools use for the same key
    if (!settings.values.containsKey(SERVICE_KEY)
        && settings.values.containsKey("SUPABASE_SERVICE_ROLE_KEY")) {
      settings.values.put(SERVICE_KEY, settings.values.get("SUPABASE_SERVICE_ROLE_KEY"));
    }
    return settings;
  }

  /**
   * {@code KEY=VALUE} lines; blank lines, {@code #} comments and {@code export } prefixes ignored.
   */
  public static Map<String, String> parse(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        if (line.startsWith("export ")) {
          line = line.substring("export ".length()).strip();
        }
        int eq = line.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String value = line.substring(eq + 1).strip();
        if (value.length() >= 2
            && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
          value = value.substring(1, value.length() - 1);
        }
        out.put(line.substring(0, eq).strip(), value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }

  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
  }

  public Path envFile() {
    return envFile;
  }

  /** The API URL: {@code SUPABASE_URL}, else {@code https://<ref>.supabase.co}. */
  public String url() {
    return get(URL)
        .or(() -> get(PROJECT_REF).map(ref -> "https://" + ref + ".supabase.co"))
        .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
        .orElseThrow(
            () ->
                CliException.config(
                    "no SUPABASE_URL: run `casare-fleet setup init` (writes "
                        + envFile
                        + ") or export SUPABASE_URL"));
  }

  public String serviceKey() {
    return get(SERVICE_KEY)
        .orElseThrow(
            () ->
                CliException.config(
                    "no service key: set SUPABASE_SERVICE_KEY in "
                        + envFile
                        + " or the environment (the project's service_role key; never pass it on"
                        + " the command line)"));
  }

  public Optional<String> anonKey() {
    return get(ANON_KEY);
  }

  /**
   * The database: {@code DATABASE_URL}, else the project's database host from {@code
   * SUPABASE_PROJECT_REF} and {@code SUPABASE_DB_PASSWORD}.
   */
  public DatabaseTarget database() {
    Optional<String> url = get(DATABASE_URL);
    if (url.isPresent()) {
      return DatabaseTarget.parse(url.get());
    }
    Optional<String> ref = get(PROJECT_REF);
    Optional<String> password = get(DB_PASSWORD);
    if (ref.isPresent() && password.isPresent()) {
      return new DatabaseTarget(
          "db." + ref.get() + ".supabase.co", 5432, "postgres", "postgres", password.get(), true);
    }
    throw CliException.config(
        "no database connection: set DATABASE_URL (e.g. Supabase's pooler URL from Project"
            + " Settings → Database) or SUPABASE_PROJECT_REF and SUPABASE_DB_PASSWORD in "
            + envFile);
  }

  /**
   * Where to connect: host, port, database, user, password, and whether TLS is required.
   *
   * @param ssl true for hosts other than loopback (Supabase requires TLS)
   */
  public record DatabaseTarget(
      String host, int port, String database, String user, String password, boolean ssl) {
    /** {@code postgresql://user:password@host:port/db?sslmode=…}. */
    public static DatabaseTarget parse(String url) {
      String rest = url.replaceFirst("^(jdbc:)?postgres(ql)?://", "");
      if (rest.equals(url)) {
        throw CliException.config(
            "DATABASE_URL must start with postgresql://, got: " + redact(url));
      }
      String query = "";
      int q = rest.indexOf('?');
      if (q >= 0) {
        query = rest.substring(q + 1);
        rest = rest.substring(0, q);
      }
      String user = "postgres";
      String password = "";
      int at = rest.lastIndexOf('@');
      if (at >= 0) {
        String credentials = rest.substring(0, at);
        rest = rest.substring(at + 1);
        int colon = credentials.indexOf(':');
        user = decode(colon < 0 ? credentials : credentials.substring(0, colon));
        password = colon < 0 ? "" : decode(credentials.substring(colon + 1));
      }
      String database = "postgres";
      int slash = rest.indexOf('/');
      if (slash >= 0) {
        database = rest.substring(slash + 1);
        rest = rest.substring(0, slash);
      }
      int port = 5432;
      int colon = rest.lastIndexOf(':');
      String host = rest;
      if (colon >= 0) {
        host = rest.substring(0, colon);
        try {
          port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw CliException.config("DATABASE_URL has a bad port: " + redact(url));
        }
      }
      boolean loopback =
          host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
      boolean ssl = !loopback && !query.contains("sslmode=disable");
      return new DatabaseTarget(host, port, database, user, password, ssl);
    }

    private static String decode(String s) {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL with the password replaced by {@code ***}. */
    public static String redact(String url) {
      return url.replaceAll("(://[^:/@]+:)[^@]*@", "$1***@");
    }

    @Override
    public String toString() {
      return user + "@" + host + ":" + port + "/" + database;
    }
  }
}
