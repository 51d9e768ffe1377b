package com.casarerpa.fleet.devstack.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * A raw Phoenix client for tests: an OkHttp WebSocket (what the Java agent uses) that records every
 * frame it receives, so a test can send exact frames and wait for exact answers.
 */
final class RecordingSocket implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(10);
  private static final OkHttpClient CLIENT = new OkHttpClient.Builder().build();

  /** A received frame: text JSON, or binary bytes. */
  record Received(JsonNode json, byte[] binary) {}

  private final LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
  private final List<Received> seen = new ArrayList<>();
  private final CompletableFuture<Response> opened = new CompletableFuture<>();
  final CompletableFuture<Integer> closedWith = new CompletableFuture<>();
  private final AtomicInteger refs = new AtomicInteger();
  private final WebSocket socket;

  private RecordingSocket(String url) {
    this(new Request.Builder().url(url).build());
  }

  private RecordingSocket(Request request) {
    socket =
        CLIENT.newWebSocket(
            request,
            new WebSocketListener() {
              @Override
              public void onOpen(WebSocket webSocket, Response response) {
                opened.complete(response);
              }

              @Override
              public void onMessage(WebSocket webSocket, String text) {
                try {
                  inbox.add(new Received(JSON.readTree(text), null));
                } catch (Exception e) {
                  inbox.add(new Received(JSON.getNodeFactory().textNode(text), null));
                }
              }

              @Override
              public void onMessage(WebSocket webSocket, ByteString bytes) {
                inbox.add(new Received(null, bytes.toByteArray()));
              }

              @Override
              public void onClosing(WebSocket webSocket, int code, String reason) {
                closedWith.complete(code);
                webSocket.close(1000, null);
              }

              @Override
              public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                opened.completeExceptionally(new UpgradeFailed(response, t));
                closedWith.complete(-1);
              }
            });
  }

  /** Thrown when the upgrade is refused; carries the HTTP response. */
  static final class UpgradeFailed extends RuntimeException {
    final int status;
    final String body;

    UpgradeFailed(int status, String body) {
      this.status = status;
      this.body = body;
    }

    UpgradeFailed(Response response, Throwable cause) {
      super(cause);
      this.status = response == null ? -1 : response.code();
      String text = null;
      try {
        text = response == null || response.body() == null ? null : response.body().string();
      } catch (Exception e) {
        text = null;
      }
      this.body = text;
    }
  }

  static RecordingSocket connect(String httpUrl, String apikey, String vsn) {
    String url =
        httpUrl.replaceFirst("^http", "ws")
            + "/realtime/v1/websocket?vsn="
            + vsn
            + (apikey == null ? "" : "&apikey=" + apikey);
    RecordingSocket s = new RecordingSocket(url);
    s.opened.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    return s;
  }

  /** Connects with the key in the {@code x-api-key} header instead of the query. */
  static RecordingSocket connectWithHeader(String httpUrl, String apikey) {
    String url = httpUrl.replaceFirst("^http", "ws") + "/realtime/v1/websocket?vsn=1.0.0";
    RecordingSocket s =
        new RecordingSocket(new Request.Builder().url(url).header("x-api-key", apikey).build());
    s.opened.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    return s;
  }

  /**
   * Sends a WebSocket upgrade request over a plain socket and returns the refusal (status and
   * body); fails when the upgrade is accepted.
   */
  static UpgradeFailed refused(String httpUrl, String apikey) {
    java.net.URI uri = java.net.URI.create(httpUrl);
    String path = "/realtime/v1/websocket?vsn=1.0.0" + (apikey == null ? "" : "&apikey=" + apikey);
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      String request =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: "
              + uri.getHost()
              + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
              + "Connection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.BufferedReader in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      String statusLine = in.readLine();
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      if (status == 101) {
        throw new AssertionError("upgrade was accepted");
      }
      boolean chunked = false;
      String line;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        chunked |= line.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding: chunked");
      }
      StringBuilder body = new StringBuilder();
      if (chunked) {
        int size;
        while ((line = in.readLine()) != null && (size = Integer.parseInt(line.trim(), 16)) > 0) {
          char[] chunk = new char[size];
          int read = 0;
          while (read < size) {
            read += in.read(chunk, read, size - read);
          }
          body.append(chunk);
          in.readLine();
        }
      } else {
        int c;
        while ((c = in.read()) >= 0) {
          body.append((char) c);
        }
      }
      return new UpgradeFailed(status, body.toString());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  String nextRef() {
    return Integer.toString(refs.incrementAndGet());
  }

  void sendRaw(String text) {
    socket.send(text);
  }

  void sendBinary(byte[] bytes) {
    socket.send(ByteString.of(bytes));
  }

  /** Sends a vsn 1.0.0 message; returns its ref. */
  String send(String topic, String event, JsonNode payload, String joinRef) {
    String ref = nextRef();
    ObjectNode m = JSON.createObjectNode();
    m.put("topic", topic);
    m.put("event", event);
    m.set("payload", payload);
    m.put("ref", ref);
    // a join names itself: its join_ref is its own ref, as phoenix.js sends it
    m.put("join_ref", joinRef == null && event.equals("phx_join") ? ref : joinRef);
    socket.send(m.toString());
    return ref;
  }

  /** Joins {@code topic} with {@code config}; returns the join ref after an ok reply. */
  String join(String topic, ObjectNode payload) {
    String ref = send(topic, "phx_join", payload, null);
    JsonNode reply = awaitReply(topic, ref);
    assertThat(reply.at("/payload/status").asText()).as("join reply %s", reply).isEqualTo("ok");
    return ref;
  }

  JsonNode awaitReply(String topic, String ref) {
    return await(
        m ->
            m.path("event").asText().equals("phx_reply")
                && m.path("topic").asText().equals(topic)
                && m.path("ref").asText().equals(ref));
  }

  JsonNode awaitEvent(String topic, String event) {
    return await(
        m -> m.path("event").asText().equals(event) && m.path("topic").asText().equals(topic));
  }

  /** The first text message (seen or new) matching {@code match}; consumes it. */
  JsonNode await(Predicate<JsonNode> match) {
    Received r = awaitReceived(x -> x.json() != null && match.test(x.json()), WAIT);
    return r.json();
  }

  /**
   * Like {@link #await} but keeps the socket alive with a heartbeat every 250 ms, for waits longer
   * than a short idle timeout.
   */
  JsonNode awaitHeartbeating(Predicate<JsonNode> match) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      socket.send(
          "{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":\"keepalive\"}");
      try {
        return awaitReceived(x -> x.json() != null && match.test(x.json()), Duration.ofMillis(250))
            .json();
      } catch (AssertionError notYet) {
        // keep waiting
      }
    }
    throw new AssertionError("no matching frame within " + WAIT + "; seen: " + seenText());
  }

  byte[] awaitBinary() {
    return awaitReceived(x -> x.binary() != null, WAIT).binary();
  }

  Received awaitReceived(Predicate<Received> match, Duration wait) {
    synchronized (seen) {
      for (Received r : seen) {
        if (match.test(r)) {
          seen.remove(r);
          return r;
        }
      }
    }
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        Received r = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
        if (r == null) {
          throw new AssertionError("no matching frame within " + wait + "; seen: " + seenText());
        }
        if (match.test(r)) {
          return r;
        }
        synchronized (seen) {
          seen.add(r);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** True when no text message matching {@code match} arrives within {@code wait}. */
  boolean receivesNothing(Predicate<JsonNode> match, Duration wait) {
    try {
      awaitReceived(x -> x.json() != null && match.test(x.json()), wait);
      return false;
    } catch (AssertionError e) {
      return true;
    }
  }

  private String seenText() {
    synchronized (seen) {
      inbox.drainTo(seen);
      return seen.stream()
          .map(r -> r.json() != null ? r.json().toString() : "<binary " + r.binary().length + ">")
          .toList()
          .toString();
    }
  }

  /** Drops the TCP connection without a close handshake. */
  void cancel() {
    socket.cancel();
  }

  @Override
  public void close() {
    socket.close(1000, null);
  }
}
