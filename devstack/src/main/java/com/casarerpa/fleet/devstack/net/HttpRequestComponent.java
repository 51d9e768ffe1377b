package com.casarerpa.fleet.devstack.net;

import com.casarerpa.fleet.devstack.StackComponent;
import com.casarerpa.fleet.devstack.StackContext;
import io.javalin.config.JavalinConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in for pg_net's background worker: requests queued in {@code
 * net.http_request_queue} (by {@code net.http_post}/{@code http_get}, hence by {@code
 * supabase_functions.http_request} webhook triggers) are taken after their transaction commits
 * (NOTIFY {@code net_http_request}, plus a poll every {@value #POLL_MILLIS} ms), sent with an
 * asynchronous HTTP client, and their responses stored in {@code net._http_response} (rows older
 * than 6 hours are pruned, as pg_net does). Never blocks a database transaction.
 *
 * <p>Once the port is bound it also wires the fleet's job-notification webhook to this stack's own
 * {@code /functions/v1/job-notification} when {@code functions/.env} sets {@code
 * JOB_NOTIFICATION_WEBHOOK} (see the migration {@code 20261130000400}).
 */
public final class HttpRequestComponent implements StackComponent {
  private static final Logger log = LoggerFactory.getLogger(HttpRequestComponent.class);
  static final String CHANNEL = "net_http_request";
  private static final int POLL_MILLIS = 500;
  private static final int BATCH = 100;

  private final StackContext context;
  private final HttpClient client;
  private final ExecutorService httpExecutor;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean running;
  private Thread thread;

  public HttpRequestComponent(StackContext context) {
    this.context = context;
    this.httpExecutor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "devstack-net-http");
              t.setDaemon(true);
              return t;
            });
    this.client =
        HttpClient.newBuilder()
            .executor(httpExecutor)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  @Override
  public void configure(JavalinConfig config) {}

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::run, "devstack-net-worker");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void started(String stackUrl) {
    Map<String, String> env = FunctionEnvFile.read(context.functionsDirectory());
    if (env.getOrDefault("JOB_NOTIFICATION_WEBHOOK", "").isBlank()) {
      return;
    }
    String url = stackUrl + "/functions/v1/job-notification";
    String headers;
    try {
      headers =
          context
              .json()
              .writeValueAsString(
                  Map.of(
                      "Content-Type",
                      "application/json",
                      "apikey",
                      context.serviceRoleKey(),
                      "Authorization",
                      "Bearer " + context.serviceRoleKey()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    try (Connection c = context.adminPool().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT public.install_job_notification_webhook(?, ?::jsonb)")) {
      s.setString(1, url);
      s.setString(2, headers);
      s.execute();
      log.info("job-notification webhook installed: jobs changes -> {}", url);
    } catch (SQLException e) {
      log.warn("could not install the job-notification webhook: {}", e.getMessage());
    }
  }

  private void run() {
    while (running) {
      try (Connection c = context.database().superuserDataSource().getConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute("SET application_name = 'devstack-net-worker'");
          s.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastPrune = 0;
        while (running) {
          drain(c);
          if (System.nanoTime() - lastPrune > TimeUnit.MINUTES.toNanos(10)) {
            try (Statement s = c.createStatement()) {
              s.execute(
                  "DELETE FROM net._http_response WHERE created < now() - interval '6 hours'");
            }
            lastPrune = System.nanoTime();
          }
          PGNotification[] ignored = pg.getNotifications(POLL_MILLIS);
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        log.warn("net worker lost its database connection ({}); retrying", e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void drain(Connection c) throws SQLException {
    while (running) {
      List<Queued> batch = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "DELETE FROM net.http_request_queue WHERE id IN (SELECT id FROM"
                      + " net.http_request_queue ORDER BY id LIMIT "
                      + BATCH
                      + " FOR UPDATE SKIP LOCKED) RETURNING id, method, url, headers::text,"
                      + " body, timeout_milliseconds")) {
        while (rs.next()) {
          batch.add(
              new Queued(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getBytes(5),
                  rs.getInt(6)));
        }
      }
      batch.forEach(this::send);
      if (batch.size() < BATCH) {
        return;
      }
    }
  }

  private record Queued(
      long id, String method, String url, String headers, byte[] body, int timeoutMillis) {}

  private void send(Queued q) {
    HttpRequest request;
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(q.url()))
              .timeout(Duration.ofMillis(Math.max(1, q.timeoutMillis())))
              .method(
                  q.method(),
                  q.body() == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(q.body()));
      Map<String, String> headers = context.json().readValue(q.headers(), new TypeRefs.StringMap());
      headers.forEach(b::header);
      request = b.build();
    } catch (Exception e) {
      store(q.id(), null, null, null, false, "invalid request: " + e.getMessage());
      return;
    }
    CompletableFuture<?> f =
        client
            .sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
            .handle(
                (response, error) -> {
                  if (error != null) {
                    Throwable cause = error.getCause() != null ? error.getCause() : error;
                    boolean timedOut = cause instanceof java.net.http.HttpTimeoutException;
                    store(q.id(), null, null, null, timedOut, String.valueOf(cause));
                  } else {
                    Map<String, String> headers = new LinkedHashMap<>();
                    response.headers().map().forEach((k, v) -> headers.put(k, String.join(",", v)));
                    store(
                        q.id(),
                        response.statusCode(),
                        response.headers().firstValue("content-type").orElse(null),
                        headers,
                        false,
                        null);
                    storeContent(q.id(), response.body());
                  }
                  return null;
                });
    inFlight.add(f);
    f.whenComplete((x, y) -> inFlight.remove(f));
  }

  private void store(
      long id,
      Integer status,
      String contentType,
      Map<String, String> headers,
      boolean timedOut,
      String error) {
    try (Connection c = context.adminPool().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO net._http_response (id, status_code, content_type, headers,"
                    + " timed_out, error_msg) VALUES (?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (id)"
                    + " DO NOTHING")) {
      s.setLong(1, id);
      s.setObject(2, status);
      s.setString(3, contentType);
      s.setString(4, headers == null ? null : context.json().writeValueAsString(headers));
      s.setBoolean(5, timedOut);
      s.setString(6, error);
      s.executeUpdate();
    } catch (Exception e) {
      if (running) {
        log.warn("could not store the response of net request {}: {}", id, e.toString());
      }
    }
  }

  private void storeContent(long id, String content) {
    try (Connection c = context.adminPool().getConnection();
        PreparedStatement s =
            c.prepareStatement("UPDATE net._http_response SET content = ? WHERE id = ?")) {
      s.setString(1, content);
      s.setLong(2, id);
      s.executeUpdate();
    } catch (SQLException e) {
      if (running) {
        log.warn("could not store the body of net request {}: {}", id, e.toString());
      }
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    if (t != null) {
      try {
        t.join(POLL_MILLIS * 4L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    inFlight.forEach(f -> f.cancel(true));
    httpExecutor.shutdownNow();
  }
}
