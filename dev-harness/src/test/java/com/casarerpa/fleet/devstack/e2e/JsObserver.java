package com.casarerpa.fleet.devstack.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The official supabase-js client watching the fleet ({@code src/test/js/observer/
 * fleet-observer.mjs}) in a Node process; its events are collected as JSON.
 */
final class JsObserver implements AutoCloseable {
  private static final Path JS_DIR = Path.of("src", "test", "js");
  private final Process node;
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final StringBuilder stderr = new StringBuilder();

  JsObserver(String url, String serviceKey) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder("node", "observer/fleet-observer.mjs").directory(JS_DIR.toFile());
    pb.environment().put("SUPABASE_URL", url);
    pb.environment().put("SUPABASE_SERVICE_KEY", serviceKey);
    pb.environment().merge("NODE_OPTIONS", "--experimental-websocket", (a, b) -> a + " " + b);
    node = pb.start();
    Thread reader = new Thread(this::read, "js-observer-stdout");
    reader.setDaemon(true);
    reader.start();
    Thread errors = new Thread(this::readErrors, "js-observer-stderr");
    errors.setDaemon(true);
    errors.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> events.stream().anyMatch(e -> e.path("kind").asText().equals("ready")));
  }

  List<JsonNode> events(String kind) {
    return events.stream().filter(e -> e.path("kind").asText().equals(kind)).toList();
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        try {
          events.add(FleetOperator.JSON.readTree(line));
        } catch (IOException e) {
          stderr.append("unparsable: ").append(line).append('\n');
        }
      }
    } catch (IOException e) {
      // process ended
    }
  }

  private void readErrors() {
    try {
      stderr.append(new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      // process ended
    }
  }

  @Override
  public void close() {
    node.destroy();
    try {
      if (!node.waitFor(5, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    } catch (InterruptedException e) {
      node.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "events=" + events + " stderr=" + stderr;
  }
}
