package com.casarerpa.fleet.devstack.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The jobs' real side effect: an HTTP server on loopback (a free port) that records every {@code
 * POST /effect?job=<id>&attempt=<n>} it receives. What it counts are requests that arrived, not
 * statuses anyone reported. Thread-safe.
 */
final class EffectReceiver implements AutoCloseable {
  private final HttpServer server;
  private final Map<UUID, List<Integer>> effects = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();

  private EffectReceiver(HttpServer server) {
    this.server = server;
  }

  static EffectReceiver start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    EffectReceiver receiver = new EffectReceiver(server);
    server.createContext("/effect", receiver::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    return receiver;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/effect";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
      Map<String, String> query = query(exchange.getRequestURI());
      int status = 400;
      try {
        UUID job = UUID.fromString(query.getOrDefault("job", ""));
        int attempt = Integer.parseInt(query.getOrDefault("attempt", ""));
        effects.computeIfAbsent(job, k -> new CopyOnWriteArrayList<>()).add(attempt);
        total.incrementAndGet();
        status = 200;
      } catch (IllegalArgumentException e) {
        malformed.incrementAndGet();
      }
      byte[] body = (status == 200 ? "ok" : "bad request").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> values = new ConcurrentHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        values.put(
            pair.substring(0, eq),
            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  /** The attempts whose effect arrived for {@code job}, in arrival order (a copy). */
  List<Integer> attempts(UUID job) {
    List<Integer> list = effects.get(job);
    return list == null ? List.of() : List.copyOf(list);
  }

  long total() {
    return total.get();
  }

  long malformed() {
    return malformed.get();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
