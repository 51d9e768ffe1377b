package com.casarerpa.fleet.agent.supabase;

import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.internal.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One joined topic. Public methods may be called from any thread (they hop onto the client's loop
 * thread); listeners run on that loop thread. A tracked presence payload is remembered and tracked
 * again after every rejoin.
 */
public final class RealtimeChannel {
  private static final Logger log = LoggerFactory.getLogger(RealtimeChannel.class);
  private static final Backoff REJOIN = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private enum State {
    IDLE,
    JOINING,
    JOINED,
    LEAVING
  }

  private final RealtimeClient client;
  private final String topic;
  private final ChannelOptions options;
  private final String accessToken;
  private final Map<String, List<Consumer<JsonNode>>> broadcastListeners =
      new ConcurrentHashMap<>();
  private final List<Runnable> joinListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Integer>> presenceListeners = new CopyOnWriteArrayList<>();

  // owned by the loop thread
  private State state = State.IDLE;
  private String joinRef;
  private int joinAttempt;
  private int quotaAttempt;
  private boolean quotaClosed;
  private ScheduledFuture<?> joinTimeout;
  private ObjectNode tracked;
  private final Map<String, Integer> presenceMetas = new HashMap<>();
  private volatile boolean joined;
  private volatile int presenceCount;
  // kept in step with presenceMetas key by key: a diff costs O(its keys), not O(everyone present)
  private final java.util.Set<String> presenceKeys = ConcurrentHashMap.newKeySet();

  RealtimeChannel(RealtimeClient client, String topic, ChannelOptions options, String accessToken) {
    this.client = client;
    this.topic = topic;
    this.options = options;
    this.accessToken = accessToken;
  }

  public String topic() {
    return topic;
  }

  public boolean isJoined() {
    return joined;
  }

  /** Presence metas on this channel (others' and ours), when joined with receivePresence. */
  int presenceCount() {
    return presenceCount;
  }

  /** Presence keys on this channel now (for a robot-fleet watcher: the robots online). */
  public java.util.Set<String> presenceKeys() {
    return java.util.Set.copyOf(presenceKeys);
  }

  /** Runs {@code listener} with the inner payload of every broadcast of {@code event}. */
  public void onBroadcast(String event, Consumer<JsonNode> listener) {
    broadcastListeners.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(listener);
  }

  /** Runs after every successful join, first and re-joins: the moment to resync. */
  public void onJoined(Runnable listener) {
    joinListeners.add(listener);
  }

  /** Runs with the new presence count whenever presence state or a diff arrives. */
  void onPresenceChange(Consumer<Integer> listener) {
    presenceListeners.add(listener);
  }

  /** Tracks (or updates) this client's presence; kept and re-tracked after rejoins. */
  public void track(ObjectNode meta) {
    client
        .loop()
        .execute(
            () -> {
              tracked = meta.deepCopy();
              if (state == State.JOINED) {
                sendPresence("track", tracked);
              }
            });
  }

  /** Stops tracking: the remembered payload is dropped and this client leaves presence. */
  public void untrack() {
    client
        .loop()
        .execute(
            () -> {
              boolean was = tracked != null;
              tracked = null;
              if (was && state == State.JOINED) {
                sendPresence("untrack", null);
              }
            });
  }

  /** Sends a broadcast if joined; dropped otherwise (broadcasts are best-effort hints). */
  public void broadcast(String event, JsonNode payload) {
    client
        .loop()
        .execute(
            () -> {
              if (state != State.JOINED) {
                return;
              }
              ObjectNode body = Json.MAPPER.createObjectNode();
              body.put("type", "broadcast");
              body.put("event", event);
              body.set("payload", payload);
              client.send(new PhoenixMessage(topic, "broadcast", body, client.nextRef(), joinRef));
            });
  }

  // --- loop thread only ---

  void join() {
    if (state == State.LEAVING || !client.connectedOnLoop()) {
      return;
    }
    cancelTimeout();
    state = State.JOINING;
    joinRef = client.nextRef();
    client.send(new PhoenixMessage(topic, "phx_join", joinPayload(), joinRef, joinRef));
    String ref = joinRef;
    joinTimeout =
        client
            .loop()
            .schedule(
                () -> {
                  if (state == State.JOINING && ref.equals(joinRef)) {
                    log.warn("joining {} timed out; retrying", topic);
                    rejoinLater();
                  }
                },
                RealtimeClient.JOIN_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  private ObjectNode joinPayload() {
    ObjectNode payload = Json.MAPPER.createObjectNode();
    ObjectNode config = payload.putObject("config");
    config.putObject("broadcast").put("self", false).put("ack", false);
    config
        .putObject("presence")
        .put("key", options.presenceKey() == null ? "" : options.presenceKey())
        .put("enabled", options.receivePresence());
    config.putArray("postgres_changes");
    config.put("private", false);
    if (accessToken != null) {
      payload.put("access_token", accessToken);
    }
    return payload;
  }

  void handle(PhoenixMessage message) {
    switch (message.event()) {
      case "phx_reply" -> reply(message);
      case "phx_close", "phx_error" -> closed(message);
      case "broadcast" -> {
        JsonNode body = message.payload();
        List<Consumer<JsonNode>> listeners = broadcastListeners.get(body.path("event").asText());
        if (listeners != null) {
          listeners.forEach(l -> l.accept(body.path("payload")));
        }
      }
      case "presence_state" -> {
        presenceMetas.clear();
        presenceKeys.clear();
        presenceCount = 0;
        applyPresence(message.payload(), 1);
      }
      case "presence_diff" -> {
        // joins first (as phoenix.js syncDiff): an update never shows its key absent meanwhile
        applyPresence(message.payload().path("joins"), 1);
        applyPresence(message.payload().path("leaves"), -1);
      }
      case "system" -> {
        if ("error".equals(message.payload().path("status").asText())) {
          String text = message.payload().path("message").asText();
          if (!quotaRefusal(text)) {
            log.warn("realtime {}: {}", topic, text);
          }
        }
      }
      default -> log.trace("{}: ignoring event {}", topic, message.event());
    }
  }

  private void reply(PhoenixMessage message) {
    if (state != State.JOINING || message.ref() == null || !message.ref().equals(joinRef)) {
      if ("error".equals(message.replyStatus())) {
        log.warn("realtime {} refused a push: {}", topic, message.payload().path("response"));
      }
      return;
    }
    cancelTimeout();
    if (!"ok".equals(message.replyStatus())) {
      JsonNode response = message.payload().path("response");
      String reason = response.path("reason").asText(response.toString());
      if (quotaRefusal(reason)) {
        quotaClosed = false;
        rejoinAfter(RealtimeClient.QUOTA_BACKOFF.delay(quotaAttempt++).toMillis());
      } else {
        log.warn("joining {} refused: {}", topic, response);
        rejoinLater();
      }
      return;
    }
    state = State.JOINED;
    joined = true;
    joinAttempt = 0;
    quotaAttempt = 0;
    client.joinSucceeded();
    if (tracked != null) {
      sendPresence("track", tracked);
    }
    joinListeners.forEach(Runnable::run);
  }

  private void closed(PhoenixMessage message) {
    if (message.ref() == null || !message.ref().equals(joinRef)) {
      return;
    }
    joined = false;
    if (state == State.LEAVING) {
      state = State.IDLE;
      return;
    }
    if (quotaClosed) {
      quotaClosed = false;
      log.debug("realtime channel {} closed for quota; rejoining later", topic);
      rejoinAfter(RealtimeClient.QUOTA_BACKOFF.delay(quotaAttempt++).toMillis());
      return;
    }
    log.warn("realtime channel {} ended ({}); rejoining", topic, message.event());
    rejoinLater();
  }

  /** Counts and reports a quota refusal; false when {@code text} names no quota. */
  private boolean quotaRefusal(String text) {
    return RealtimeQuota.classify(text)
        .map(
            kind -> {
              client.quotaOnLoop().refused(kind, text, topic);
              quotaClosed = true;
              return true;
            })
        .orElse(false);
  }

  private void rejoinLater() {
    rejoinAfter(REJOIN.delay(joinAttempt++).toMillis());
  }

  private void rejoinAfter(long wait) {
    joined = false;
    state = State.JOINING;
    client
        .loop()
        .schedule(
            () -> {
              if (state == State.JOINING) {
                join();
              }
            },
            wait,
            TimeUnit.MILLISECONDS);
  }

  void disconnected() {
    cancelTimeout();
    joined = false;
    if (state != State.LEAVING) {
      state = State.IDLE;
    }
    presenceMetas.clear();
    presenceCount = 0;
    presenceKeys.clear();
  }

  void leaveNow() {
    if (state == State.JOINED || state == State.JOINING) {
      client.send(
          new PhoenixMessage(
              topic, "phx_leave", Json.MAPPER.createObjectNode(), client.nextRef(), joinRef));
    }
    state = State.LEAVING;
    joined = false;
    cancelTimeout();
  }

  private void sendPresence(String event, ObjectNode meta) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", "presence");
    body.put("event", event);
    if (meta != null) {
      body.set("payload", meta);
    }
    client.send(new PhoenixMessage(topic, "presence", body, client.nextRef(), joinRef));
  }

  private void applyPresence(JsonNode byKey, int sign) {
    int count = presenceCount;
    for (Map.Entry<String, JsonNode> e : byKey.properties()) {
      String key = e.getKey();
      int before = presenceMetas.getOrDefault(key, 0);
      int after = before + sign * e.getValue().path("metas").size();
      if (after <= 0) {
        after = 0;
        presenceMetas.remove(key);
        presenceKeys.remove(key);
      } else {
        presenceMetas.put(key, after);
        presenceKeys.add(key);
      }
      count += after - before;
    }
    presenceCount = count;
    int total = count;
    presenceListeners.forEach(l -> l.accept(total));
  }

  private void cancelTimeout() {
    if (joinTimeout != null) {
      joinTimeout.cancel(false);
      joinTimeout = null;
    }
  }
}
