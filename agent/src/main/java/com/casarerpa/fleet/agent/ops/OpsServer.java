package com.casarerpa.fleet.agent.ops;

import com.casarerpa.fleet.agent.internal.ExecutorStop;
import com.casarerpa.fleet.agent.internal.NamedThreads;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /healthz} and {@code /metrics} on a loopback port, served by the JDK's own HTTP server (no
 * web framework on robot machines). One thread, {@code agent-ops}.
 */
public final class OpsServer {
  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(new NamedThreads("agent-ops", true));

  private OpsServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Binds 127.0.0.1:{@code port} (0 = any free port) and starts serving.
   *
   * @param health the current verdict, computed per request
   */
  public static OpsServer start(int port, Supplier<Health> health, PrometheusMeterRegistry metrics)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    OpsServer ops = new OpsServer(server);
    server.createContext(
        "/healthz",
        exchange -> {
          Health verdict = health.get();
          respond(exchange, verdict.healthy() ? 200 : 503, "application/json", verdict.toJson());
        });
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    server.setExecutor(ops.executor);
    server.start();
    log.info("ops endpoints on http://127.0.0.1:{}/healthz and /metrics", ops.port());
    return ops;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops serving; idempotent. */
  public void stop(Duration deadline) {
    server.stop(0);
    ExecutorStop.stop(executor, deadline, "ops server");
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
