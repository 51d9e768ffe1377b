package com.casarerpa.fleet.devstack.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A throw-away cluster of the system's PostgreSQL 15 (Debian's {@code postgresql-15}) with pg_cron
 * preloaded (Debian's {@code postgresql-15-cron}): what the embedded binaries cannot give, since
 * they carry no pg_cron. initdb into a temporary folder, a free loopback port, the Unix socket in
 * that folder, {@code shared_preload_libraries = pg_cron}, {@code cron.database_name = postgres};
 * jobs run in background workers (no connection, no password needed). PostgreSQL refuses to run as
 * root, so as root (CI) the server runs as the {@code postgres} system user the package creates.
 * {@link #close} stops it and deletes the folder.
 *
 * <p>Without the packages the caller's tests are skipped with the reason; with {@value
 * #REQUIRE_ENV}=1 (set by {@code .ci/run}) they fail instead.
 */
final class SystemPostgres implements AutoCloseable {
  static final String REQUIRE_ENV = "CASARE_REQUIRE_SYSTEM_PARTS";

  /** Where Debian's packages are installed: {@code /}, unless this property says otherwise. */
  static final String ROOT_PROPERTY = "casare.test.systemRoot";

  private static final Path ROOT = Path.of(System.getProperty(ROOT_PROPERTY, "/"));
  static final Path BIN = ROOT.resolve("usr/lib/postgresql/15/bin");
  static final Path PG_CRON_LIBRARY = ROOT.resolve("usr/lib/postgresql/15/lib/pg_cron.so");
  static final Path PG_CRON_CONTROL =
      ROOT.resolve("usr/share/postgresql/15/extension/pg_cron.control");
  static final String SUPERUSER = "postgres";
  private static final String SYSTEM_USER = "postgres";
  private static final long START_SECONDS = 60;

  private final Path dir;
  private final List<String> asServerUser;
  private final int port;
  private final String password;
  private boolean stopped;

  private SystemPostgres(Path dir, List<String> asServerUser, int port, String password) {
    this.dir = dir;
    this.asServerUser = asServerUser;
    this.port = port;
    this.password = password;
  }

  /** Starts a cluster, or skips (fails under {@value #REQUIRE_ENV}=1) when a part is missing. */
  static SystemPostgres startWithPgCron() {
    String missing = missingParts();
    if (missing != null) {
      String reason =
          "PostgreSQL 15 with pg_cron is not installed ("
              + missing
              + "): apt-get install postgresql-15 postgresql-15-cron";
      if ("1".equals(System.getenv(REQUIRE_ENV))) {
        throw new IllegalStateException(reason + "; " + REQUIRE_ENV + "=1 requires it");
      }
      System.out.println("SKIPPED pg_cron schema tests: " + reason);
      Assumptions.abort(reason);
    }
    try {
      return start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the system PostgreSQL 15", e);
    }
  }

  private static String missingParts() {
    for (Path part :
        List.of(
            BIN.resolve("initdb"),
            BIN.resolve("pg_ctl"),
            BIN.resolve("postgres"),
            PG_CRON_LIBRARY,
            PG_CRON_CONTROL)) {
      if (!Files.exists(part)) {
        return part + " is missing";
      }
    }
    return null;
  }

  private static SystemPostgres start() throws IOException {
    List<String> asServerUser = asServerUser();
    Path dir = Files.createTempDirectory("casare-pg15-cron-");
    boolean started = false;
    try {
      if (!asServerUser.isEmpty()) {
        // the server's user must own the folder (initdb writes it, the socket lives in it)
        UserPrincipal owner =
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SYSTEM_USER);
        Files.setOwner(dir, owner);
      }
      String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
      Path passwordFile = dir.resolve("pwfile");
      Files.writeString(passwordFile, password + "\n");
      Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
      if (!asServerUser.isEmpty()) {
        Files.setOwner(passwordFile, Files.getOwner(dir));
      }
      Path data = dir.resolve("data");
      SystemPostgres server = new SystemPostgres(dir, asServerUser, freePort(), password);
      server.run(
          BIN.resolve("initdb").toString(),
          "-D",
          data.toString(),
          "-U",
          SUPERUSER,
          "--pwfile=" + passwordFile,
          "--auth-local=trust", // the socket is in a folder only the server's user can enter
          "--auth-host=scram-sha-256",
          "-E",
          "UTF8",
          "--locale=C");
      Files.delete(passwordFile);
      Files.writeString(
          data.resolve("postgresql.conf"),
          String.join(
              "\n",
              "",
              "# written by the pg_cron schema test",
              "listen_addresses = '127.0.0.1'",
              "port = " + server.port,
              "unix_socket_directories = '" + dir + "'",
              "shared_preload_libraries = 'pg_cron'",
              "cron.database_name = 'postgres'",
              "cron.use_background_workers = on",
              "max_worker_processes = 20",
              "fsync = off",
              ""),
          java.nio.file.StandardOpenOption.APPEND);
      server.run(
          BIN.resolve("pg_ctl").toString(),
          "-D",
          data.toString(),
          "-l",
          dir.resolve("server.log").toString(),
          "-w",
          "-t",
          Long.toString(START_SECONDS),
          "start");
      started = true;
      return server;
    } finally {
      if (!started) {
        delete(dir);
      }
    }
  }

  /** Empty when not root; else the command prefix that runs as the {@code postgres} user. */
  private static List<String> asServerUser() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return List.of();
    }
    for (String runuser : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")) {
      if (Files.isExecutable(Path.of(runuser))) {
        return List.of(runuser, "-u", SYSTEM_USER, "--");
      }
    }
    return List.of("setpriv", "--reuid=" + SYSTEM_USER, "--regid=" + SYSTEM_USER, "--init-groups");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void run(String... command) throws IOException {
    List<String> full = new ArrayList<>(asServerUser);
    full.addAll(List.of(command));
    Process process =
        new ProcessBuilder(full)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("commands.log").toFile())
            .start();
    try {
      if (!process.waitFor(START_SECONDS + 30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", full) + " did not finish");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", full), e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          String.join(" ", full)
              + " exited "
              + process.exitValue()
              + ": "
              + Files.readString(dir.resolve("commands.log"))
              + serverLog());
    }
  }

  private String serverLog() {
    try {
      Path log = dir.resolve("server.log");
      return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** The superuser's random password; other login roles keep the bootstrap's. */
  String password(String user) {
    return SUPERUSER.equals(user)
        ? password
        : com.casarerpa.fleet.devstack.db.EmbeddedDatabase.API_ROLE_PASSWORD;
  }

  DataSource dataSource(String user) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(jdbcUrl());
    ds.setUser(user);
    ds.setPassword(password(user));
    return ds;
  }

  /** Stops the server (immediate: nothing in it is kept) and deletes its folder. */
  @Override
  public void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      run(
          BIN.resolve("pg_ctl").toString(),
          "-D",
          dir.resolve("data").toString(),
          "-m",
          "immediate",
          "-w",
          "stop");
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop the system PostgreSQL 15 in " + dir, e);
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
