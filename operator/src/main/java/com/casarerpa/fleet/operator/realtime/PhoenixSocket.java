package com.casarerpa.fleet.operator.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A small Supabase Realtime client for the operator: one WebSocket (Phoenix channels, serializer
 * {@code vsn=1.0.0}), joins with a config, heartbeats every 25 s, and hands every message of a
 * joined topic to its listener. The operator only reads (presence state, postgres_changes,
 * broadcasts); on a closed socket the caller falls back to polling, so there is no rejoin logic
 * here.
 */
public final class PhoenixSocket implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebSocket socket;
  private final AtomicLong ref = new AtomicLong();
  private final Map<String, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
  private final Map<String, Consumer<JsonNode>> listeners = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final ScheduledExecutorService heartbeat =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "realtime-heartbeat");
            t.setDaemon(true);
            return t;
          });

  private PhoenixSocket(WebSocket socket) {
    this.socket = socket;
  }

  /** Connects to {@code <url>/realtime/v1/websocket} with {@code apiKey}. */
  public static PhoenixSocket connect(String url, String apiKey, Duration timeout)
      throws IOException {
    String ws =
        url.replaceFirst("^http", "ws") + "/realtime/v1/websocket?apikey=" + apiKey + "&vsn=1.0.0";
    Listener listener = new Listener();
    try {
      WebSocket socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .connectTimeout(timeout)
              .buildAsync(URI.create(ws), listener)
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      PhoenixSocket phoenix = new PhoenixSocket(socket);
      listener.owner = phoenix;
      phoenix.heartbeat.scheduleAtFixedRate(phoenix::sendHeartbeat, 25, 25, TimeUnit.SECONDS);
      return phoenix;
    } catch (ExecutionException e) {
      throw new IOException("Realtime connection refused: " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IOException("Realtime connection timed out after " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Joins {@code realtime:<subtopic>} with {@code config}; every later message of the topic goes to
   * {@code listener}. Returns the join reply's {@code response} once it is {@code ok}.
   */
  public JsonNode join(
      String subtopic,
      ObjectNode config,
      String accessToken,
      Consumer<JsonNode> listener,
      Duration timeout)
      throws IOException {
    String topic = "realtime:" + subtopic;
    listeners.put(topic, listener);
    ObjectNode payload = JSON.createObjectNode();
    payload.set("config", config);
    if (accessToken != null) {
      payload.put("access_token", accessToken);
    }
    JsonNode reply = push(topic, "phx_join", payload, timeout);
    if (!"ok".equals(reply.path("payload").path("status").asText())) {
      throw new IOException(
          "joining " + topic + " was refused: " + reply.path("payload").path("response"));
    }
    return reply.path("payload").path("response");
  }

  private JsonNode push(String topic, String event, JsonNode payload, Duration timeout)
      throws IOException {
    String r = Long.toString(ref.incrementAndGet());
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    replies.put(r, reply);
    ObjectNode frame = JSON.createObjectNode();
    frame.put("topic", topic).put("event", event).put("ref", r).put("join_ref", r);
    frame.set("payload", payload);
    socket.sendText(frame.toString(), true);
    try {
      return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("no reply to " + event + " on " + topic + " within " + timeout);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      replies.remove(r);
    }
  }

  private void sendHeartbeat() {
    ObjectNode frame = JSON.createObjectNode();
    frame.put("topic", "phoenix").put("event", "heartbeat").put("ref", ref.incrementAndGet());
    frame.set("payload", JSON.createObjectNode());
    socket.sendText(frame.toString(), true);
  }

  /** Completes when the socket closes or fails. */
  public CompletableFuture<Void> closed() {
    return closed;
  }

  public boolean isOpen() {
    return !closed.isDone();
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
    closed.complete(null);
  }

  private void onFrame(String text) {
    JsonNode frame;
    try {
      frame = JSON.readTree(text);
    } catch (IOException e) {
      return;
    }
    if ("phx_reply".equals(frame.path("event").asText())) {
      CompletableFuture<JsonNode> reply = replies.get(frame.path("ref").asText());
      if (reply != null) {
        reply.complete(frame);
        return;
      }
    }
    Consumer<JsonNode> listener = listeners.get(frame.path("topic").asText());
    if (listener != null) {
      listener.accept(frame);
    }
  }

  private static final class Listener implements WebSocket.Listener {
    volatile PhoenixSocket owner;
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        PhoenixSocket o = owner;
        if (o != null) {
          o.onFrame(text);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      PhoenixSocket o = owner;
      if (o != null) {
        o.closed.complete(null);
      }
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      PhoenixSocket o = owner;
      if (o != null) {
        o.closed.complete(null);
      }
    }
  }
}
