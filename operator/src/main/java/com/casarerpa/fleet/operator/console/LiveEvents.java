package com.casarerpa.fleet.operator.console;

import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.realtime.PhoenixSocket;
import com.casarerpa.fleet.operator.watch.FleetFeed;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * From the fleet's Realtime to the browsers: the console holds one Realtime connection (presence of
 * {@code robot-fleet}, postgres_changes on {@code jobs} and {@code robots}, the private {@code
 * robot-logs:<robot>} broadcasts, as {@code fleet watch} and {@code logs tail --follow} use them)
 * and tells every open page over SSE which part changed: {@code fleet}, {@code jobs} or {@code
 * logs}. The page then fetches that fragment again; data is always read from the database.
 *
 * <p>One thread, {@code console-events}, owns the Realtime sockets and the sends: it flushes the
 * pending event names every {@link #FLUSH} (a burst of changes becomes one event per name),
 * reconnects a lost Realtime every {@link #MAINTAIN}, and while Realtime is down signals every name
 * on that period so pages still refresh. A browser that went away is dropped on its next send.
 */
final class LiveEvents implements AutoCloseable {
  static final Duration FLUSH = Duration.ofMillis(250);
  static final Duration MAINTAIN = Duration.ofSeconds(5);
  static final Duration KEEPALIVE = Duration.ofSeconds(15);
  static final List<String> NAMES = List.of("fleet", "jobs", "logs");
  private static final Logger log = LoggerFactory.getLogger(LiveEvents.class);

  private final FleetApi api;
  private final String serviceKey;
  private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Set<String> logRobots = new HashSet<>();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "console-events");
            t.setDaemon(true);
            return t;
          });
  private volatile FleetFeed feed;
  private PhoenixSocket logSocket;
  private long ticks;

  LiveEvents(FleetApi api, String serviceKey) {
    this.api = api;
    this.serviceKey = serviceKey;
  }

  void start() {
    thread.execute(this::maintain);
    thread.scheduleWithFixedDelay(
        this::flush, FLUSH.toMillis(), FLUSH.toMillis(), TimeUnit.MILLISECONDS);
    thread.scheduleWithFixedDelay(
        this::maintain, MAINTAIN.toMillis(), MAINTAIN.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A browser's event stream: kept open until the browser goes away or the console stops. */
  void add(SseClient client) {
    client.keepAlive();
    client.onClose(() -> clients.remove(client));
    clients.add(client);
    client.sendComment("connected");
  }

  void signal(String name) {
    pending.add(name);
  }

  /** Robot ids present on {@code robot-fleet} (connected agents); empty without Realtime. */
  Set<String> present() {
    FleetFeed f = feed;
    return f == null ? Set.of() : f.present();
  }

  boolean realtimeLive() {
    FleetFeed f = feed;
    return f != null && f.isLive();
  }

  int clients() {
    return clients.size();
  }

  private void flush() {
    try {
      ticks++;
      boolean keepAlive = ticks % (KEEPALIVE.toMillis() / FLUSH.toMillis()) == 0;
      Set<String> names = new HashSet<>();
      for (String name : NAMES) {
        if (pending.remove(name)) {
          names.add(name);
        }
      }
      if (names.isEmpty() && !keepAlive) {
        return;
      }
      for (SseClient client : clients) {
        if (client.terminated()) {
          clients.remove(client);
          continue;
        }
        for (String name : names) {
          client.sendEvent(name, "changed");
        }
        if (keepAlive) {
          client.sendComment("keepalive");
        }
      }
    } catch (Throwable t) {
      log.warn("console event flush failed: {}", t.toString());
    }
  }

  private void maintain() {
    try {
      if (!realtimeLive()) {
        connect();
      }
      if (!realtimeLive()) {
        NAMES.forEach(pending::add);
        return;
      }
      joinLogChannels();
    } catch (Throwable t) {
      log.warn("console Realtime upkeep failed: {}", t.toString());
    }
  }

  private void connect() {
    closeSockets();
    try {
      feed =
          FleetFeed.connect(
              api.url(),
              serviceKey,
              () -> {
                pending.add("fleet");
                pending.add("jobs");
              });
      logSocket = PhoenixSocket.connect(api.url(), serviceKey, Duration.ofSeconds(5));
      logRobots.clear();
      NAMES.forEach(pending::add);
    } catch (IOException | RuntimeException e) {
      log.warn("Realtime unavailable ({}); pages refresh every {}", e.getMessage(), MAINTAIN);
      closeSockets();
    }
  }

  /** Joins {@code robot-logs:<robot>} for robots that appeared since the last look. */
  private void joinLogChannels() throws IOException {
    if (logSocket == null || !logSocket.isOpen()) {
      return;
    }
    var config = FleetApi.JSON.createObjectNode().put("private", true);
    config.putObject("broadcast").put("self", false);
    for (JsonNode robot : api.get("robots?select=robot_id")) {
      String id = robot.path("robot_id").asText();
      if (logRobots.add(id)) {
        logSocket.join(
            "robot-logs:" + id,
            config,
            serviceKey,
            m -> pending.add("logs"),
            Duration.ofSeconds(5));
      }
    }
  }

  private void closeSockets() {
    if (feed != null) {
      feed.close();
      feed = null;
    }
    if (logSocket != null) {
      logSocket.close();
      logSocket = null;
    }
  }

  /** Stops the thread (waiting up to 5 s), closes Realtime and every browser stream; idempotent. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("console-events did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeSockets();
    clients.forEach(SseClient::close);
    clients.clear();
  }
}
