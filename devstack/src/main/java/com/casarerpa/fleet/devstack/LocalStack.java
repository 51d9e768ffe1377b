package com.casarerpa.fleet.devstack;

import com.casarerpa.fleet.devstack.auth.DemoKeys;
import com.casarerpa.fleet.devstack.auth.JwtCodec;
import com.casarerpa.fleet.devstack.db.EmbeddedDatabase;
import com.casarerpa.fleet.migrate.MigrationRunner;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local Supabase-compatible stack: embedded PostgreSQL with the platform bootstrap and our
 * migrations, and one HTTP port serving {@code /rest/v1}, {@code /realtime/v1} and {@code
 * /functions/v1}. A development stand-in, never a production server.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  /** Largest request body accepted (a 1000-line log batch is well below it); larger is 413. */
  public static final long MAX_REQUEST_BYTES = 16L * 1024 * 1024;

  /**
   * System property: {@code false} starts the stack with the platform bootstrap only, an empty
   * project as a new Supabase project is (the operator CLI's {@code setup all} tests migrate it).
   */
  public static final String MIGRATE_PROPERTY = "devstack.migrate";

  private final StackContext context;
  private final List<StackComponent> components;
  private final Javalin http;
  private final HikariDataSource apiPool;
  private final HikariDataSource adminPool;
  private volatile boolean closed;

  private LocalStack(
      StackContext context,
      List<StackComponent> components,
      Javalin http,
      HikariDataSource apiPool,
      HikariDataSource adminPool) {
    this.context = context;
    this.components = components;
    this.http = http;
    this.apiPool = apiPool;
    this.adminPool = adminPool;
  }

  /** Starts the database, migrates it, and serves every API; returns once ready. */
  public static LocalStack start(StackSettings settings) {
    EmbeddedDatabase.Builder dbBuilder = EmbeddedDatabase.builder();
    if (settings.dataDirectory() != null) {
      dbBuilder.dataDirectory(settings.dataDirectory());
    }
    EmbeddedDatabase database = dbBuilder.start();
    try {
      MigrationRunner runner = new MigrationRunner(database.superuserDataSource());
      runner.applyLocalPlatformBootstrap();
      if (Boolean.parseBoolean(System.getProperty(MIGRATE_PROPERTY, "true"))) {
        runner.migrate(MigrationRunner.fromClasspath());
      }

      HikariDataSource apiPool = pool(database, "authenticator", 16);
      HikariDataSource adminPool = pool(database, EmbeddedDatabase.SUPERUSER, 4);
      JwtCodec jwt = new JwtCodec(settings.jwtSecret(), InstantSource.system());
      Map<String, String> keys =
          DemoKeys.JWT_SECRET.equals(settings.jwtSecret())
              ? Map.of("anon", DemoKeys.ANON_KEY, "service_role", DemoKeys.SERVICE_ROLE_KEY)
              : DemoKeys.apiKeys(jwt);
      StackContext context =
          new StackContext(
              database,
              apiPool,
              adminPool,
              jwt,
              keys.get("anon"),
              keys.get("service_role"),
              settings.functionsDirectory(),
              new ObjectMapper(),
              InstantSource.system(),
              settings);
      List<StackComponent> components = new ArrayList<>();
      for (var factory : StackComponents.all()) {
        components.add(factory.apply(context));
      }
      Javalin http =
          Javalin.create(
              config -> {
                config.startup.showJavalinBanner = false;
                config.http.maxRequestSize = MAX_REQUEST_BYTES;
                components.forEach(c -> c.configure(config));
              });
      http.start(settings.host(), settings.port());
      components.forEach(StackComponent::start);
      LocalStack stack = new LocalStack(context, components, http, apiPool, adminPool);
      components.forEach(c -> c.started(stack.url()));
      log.info("local stack ready at {}", stack.url());
      return stack;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  private static HikariDataSource pool(EmbeddedDatabase database, String user, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(database.jdbcUrl(user));
    config.setUsername(user);
    config.setPassword(database.password(user));
    config.setMaximumPoolSize(size);
    config.setPoolName("devstack-" + user);
    return new HikariDataSource(config);
  }

  /** The API URL, {@code http://127.0.0.1:<port>}: what SUPABASE_URL is set to. */
  public String url() {
    return "http://" + context.settings().host() + ":" + http.port();
  }

  public int port() {
    return http.port();
  }

  public String anonKey() {
    return context.anonKey();
  }

  public String serviceRoleKey() {
    return context.serviceRoleKey();
  }

  /** {@code postgresql://postgres:postgres@127.0.0.1:<port>/postgres}. */
  public String databaseUrl() {
    return context.database().databaseUrl(EmbeddedDatabase.SUPERUSER);
  }

  public StackContext context() {
    return context;
  }

  /** Stops the HTTP server, the components, the pools and the database; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    http.stop();
    for (StackComponent component : components.reversed()) {
      try {
        component.close();
      } catch (RuntimeException e) {
        log.warn("stopping {} failed: {}", component.getClass().getSimpleName(), e.toString());
      }
    }
    apiPool.close();
    adminPool.close();
    context.database().close();
    log.info("local stack stopped");
  }
}
