package com.casarerpa.fleet.operator.watch;

import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.realtime.PhoenixSocket;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Realtime for {@code fleet watch}: presence of {@code robot-fleet} (who is connected) and
 * postgres_changes of {@code jobs} and {@code robots} (something changed: read again). Every event
 * calls {@code changed}; the data itself is always re-read from the database.
 */
public final class FleetFeed implements AutoCloseable {
  private final Map<String, Integer> present = new ConcurrentHashMap<>();
  private final PhoenixSocket socket;

  private FleetFeed(PhoenixSocket socket) {
    this.socket = socket;
  }

  public static FleetFeed connect(String url, String serviceKey, Runnable changed)
      throws IOException {
    PhoenixSocket socket = PhoenixSocket.connect(url, serviceKey, Duration.ofSeconds(5));
    FleetFeed feed = new FleetFeed(socket);
    try {
      ObjectNode presence = FleetApi.JSON.createObjectNode();
      presence.putObject("presence").put("enabled", true).put("key", "");
      presence.putObject("broadcast").put("self", false);
      socket.join(
          "robot-fleet",
          presence,
          serviceKey,
          m -> {
            feed.onPresence(m);
            changed.run();
          },
          Duration.ofSeconds(5));
      ObjectNode changes = FleetApi.JSON.createObjectNode();
      ArrayNode specs = changes.putArray("postgres_changes");
      for (String table : new String[] {"jobs", "robots"}) {
        specs.addObject().put("event", "*").put("schema", "public").put("table", table);
      }
      socket.join("fleet-watch", changes, serviceKey, m -> changed.run(), Duration.ofSeconds(5));
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return feed;
  }

  private void onPresence(JsonNode frame) {
    JsonNode payload = frame.path("payload");
    switch (frame.path("event").asText()) {
      case "presence_state" -> {
        present.clear();
        payload
            .properties()
            .forEach(e -> present.put(e.getKey(), e.getValue().path("metas").size()));
      }
      case "presence_diff" -> {
        payload
            .path("leaves")
            .properties()
            .forEach(
                e ->
                    present.computeIfPresent(
                        e.getKey(),
                        (k, n) ->
                            n - e.getValue().path("metas").size() <= 0
                                ? null
                                : n - e.getValue().path("metas").size()));
        payload
            .path("joins")
            .properties()
            .forEach(
                e -> present.merge(e.getKey(), e.getValue().path("metas").size(), Integer::sum));
      }
      default -> {}
    }
  }

  public Set<String> present() {
    return Set.copyOf(present.keySet());
  }

  public boolean isLive() {
    return socket.isOpen();
  }

  @Override
  public void close() {
    socket.close();
  }
}
