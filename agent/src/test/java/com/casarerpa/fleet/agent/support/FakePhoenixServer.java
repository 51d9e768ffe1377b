package com.casarerpa.fleet.agent.support;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.supabase.PhoenixMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * A small Phoenix (vsn 1.0.0) server on a real loopback socket, speaking the subset of Supabase
 * Realtime the agent uses: join, heartbeat, presence track with diffs, broadcast, leave. It stands
 * in for the real Realtime server until the local stack serves one.
 */
public final class FakePhoenixServer implements AutoCloseable {
  private final MockWebServer server = new MockWebServer();
  private final List<PhoenixMessage> received = new CopyOnWriteArrayList<>();
  private final List<String> requestTargets = new CopyOnWriteArrayList<>();
  private final Map<WebSocket, Map<String, String>> joins = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger presenceRefs = new AtomicInteger();
  private volatile boolean answerHeartbeats = true;
  private volatile boolean refuseJoins;

  public FakePhoenixServer() throws IOException {
    this(null);
  }

  /**
   * @param rest answers every request outside {@code /realtime/}, or null when there is no REST
   */
  public FakePhoenixServer(Function<RecordedRequest, MockResponse> rest) throws IOException {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (rest != null && !request.getTarget().startsWith("/realtime/")) {
              return rest.apply(request);
            }
            requestTargets.add(request.getTarget());
            return new MockResponse.Builder().webSocketUpgrade(new Session()).build();
          }
        });
    server.start();
  }

  /** The "Supabase URL" for clients: http://127.0.0.1:port */
  public URI url() {
    return URI.create("http://" + server.getHostName() + ":" + server.getPort());
  }

  public int connections() {
    return connections.get();
  }

  public List<String> requestTargets() {
    return List.copyOf(requestTargets);
  }

  public List<PhoenixMessage> received() {
    return List.copyOf(received);
  }

  public List<PhoenixMessage> received(String event) {
    return received.stream().filter(m -> m.event().equals(event)).toList();
  }

  public void answerHeartbeats(boolean answer) {
    this.answerHeartbeats = answer;
  }

  public void refuseJoins(boolean refuse) {
    this.refuseJoins = refuse;
  }

  /** Sends a broadcast to every socket joined to {@code topic}. */
  public void broadcast(String topic, String event, JsonNode payload) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", "broadcast");
    body.put("event", event);
    body.set("payload", payload);
    pushToTopic(topic, "broadcast", body);
  }

  public void pushToTopic(String topic, String event, JsonNode payload) {
    joins.forEach(
        (ws, topics) -> {
          if (topics.containsKey(topic)) {
            ws.send(new PhoenixMessage(topic, event, payload, null, null).encode());
          }
        });
  }

  /** Closes every open socket (1001 going away), as a restarting server does. */
  public void dropAll() {
    joins.keySet().forEach(ws -> ws.close(1001, "going away"));
    joins.clear();
  }

  @Override
  public void close() {
    dropAll();
    server.close();
  }

  private final class Session extends WebSocketListener {
    @Override
    public void onOpen(WebSocket ws, Response response) {
      connections.incrementAndGet();
      joins.put(ws, new ConcurrentHashMap<>());
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
      PhoenixMessage message = PhoenixMessage.decode(text).orElseThrow();
      received.add(message);
      switch (message.event()) {
        case "heartbeat" -> {
          if (answerHeartbeats) {
            reply(ws, message, "ok", Json.MAPPER.createObjectNode());
          }
        }
        case "phx_join" -> join(ws, message);
        case "phx_leave" -> {
          reply(ws, message, "ok", Json.MAPPER.createObjectNode());
          Map<String, String> topics = joins.get(ws);
          String joinRef = topics == null ? null : topics.remove(message.topic());
          ws.send(
              new PhoenixMessage(message.topic(), "phx_close", empty(), joinRef, null).encode());
        }
        case "presence" -> presence(ws, message);
        case "broadcast" -> relay(ws, message);
        default -> {}
      }
    }

    private void join(WebSocket ws, PhoenixMessage message) {
      if (refuseJoins) {
        ObjectNode response = Json.MAPPER.createObjectNode().put("reason", "refused by test");
        reply(ws, message, "error", response);
        return;
      }
      joins.get(ws).put(message.topic(), message.ref());
      ObjectNode response = Json.MAPPER.createObjectNode();
      response.putArray("postgres_changes");
      reply(ws, message, "ok", response);
      if (message.payload().path("config").path("presence").path("enabled").asBoolean()) {
        ws.send(
            new PhoenixMessage(message.topic(), "presence_state", empty(), null, null).encode());
      }
    }

    private void presence(WebSocket ws, PhoenixMessage message) {
      reply(ws, message, "ok", empty());
      String key =
          joinPayload(message.topic()).path("config").path("presence").path("key").asText("anon");
      ObjectNode meta = (ObjectNode) message.payload().path("payload").deepCopy();
      meta.put("phx_ref", "ref" + presenceRefs.incrementAndGet());
      ObjectNode diff = Json.MAPPER.createObjectNode();
      diff.putObject("joins").putObject(key).putArray("metas").add(meta);
      diff.putObject("leaves");
      pushToTopic(message.topic(), "presence_diff", diff);
    }

    private void relay(WebSocket sender, PhoenixMessage message) {
      joins.forEach(
          (ws, topics) -> {
            if (ws != sender && topics.containsKey(message.topic())) {
              ws.send(
                  new PhoenixMessage(message.topic(), "broadcast", message.payload(), null, null)
                      .encode());
            }
          });
    }

    private void reply(WebSocket ws, PhoenixMessage to, String status, JsonNode response) {
      ObjectNode payload = Json.MAPPER.createObjectNode().put("status", status);
      payload.set("response", response);
      ws.send(new PhoenixMessage(to.topic(), "phx_reply", payload, to.ref(), null).encode());
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      joins.remove(ws);
      ws.close(1000, null);
    }

    @Override
    public void onFailure(WebSocket ws, Throwable t, Response response) {
      joins.remove(ws);
    }
  }

  private JsonNode joinPayload(String topic) {
    return received.stream()
        .filter(m -> m.event().equals("phx_join") && m.topic().equals(topic))
        .reduce((a, b) -> b)
        .map(PhoenixMessage::payload)
        .orElse(empty());
  }

  private static ObjectNode empty() {
    return Json.MAPPER.createObjectNode();
  }
}
