package com.casarerpa.fleet.agent.supabase;

import com.casarerpa.fleet.agent.config.Secrets;
import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.internal.ExecutorStop;
import com.casarerpa.fleet.agent.internal.GuardedScheduler;
import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.internal.Worker;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Supabase Realtime (Phoenix channels, serializer vsn 1.0.0) client over one OkHttp WebSocket.
 *
 * <p>Doctrine: the socket is a hint channel, never the truth. It heartbeats every 25 s and treats a
 * heartbeat still unanswered when the next is due as a dead socket. A lost socket is reopened after
 * a full-jitter exponential backoff (so a fleet that lost the server together does not come back
 * together), every channel is rejoined, and each rejoin fires the channel's join listeners so the
 * owner can resync from the database: messages missed while disconnected are never replayed.
 *
 * <p>Threads: all state lives on one thread, {@code agent-realtime}; OkHttp's reader thread only
 * hands frames over. Listeners run on {@code agent-realtime} and must return quickly.
 */
public final class RealtimeClient {
  private static final Logger log = LoggerFactory.getLogger(RealtimeClient.class);
  public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(25);
  public static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

  /**
   * After a refusal for the project's quota (429), the socket is retried after a full-jitter wait
   * of up to this long, so that hundreds of refused robots do not keep knocking.
   */
  public static final Backoff QUOTA_BACKOFF =
      new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(5));

  private final OkHttpClient http;
  private final String url;
  private final String accessToken;
  private final String accessTokenForScrub;
  private final Duration heartbeatInterval;
  private final Backoff reconnectBackoff;
  private final GuardedScheduler loop;
  private final boolean ownLoop;
  private final AtomicBoolean stopCalled = new AtomicBoolean();
  private final Map<String, RealtimeChannel> channels = new LinkedHashMap<>();
  private final AtomicLong refs = new AtomicLong();
  private final RealtimeQuota quota = new RealtimeQuota();

  // owned by the loop thread
  private WebSocket socket;
  private String pendingHeartbeat;
  private int reconnectAttempt;
  private int quotaAttempt;
  private boolean stopped;
  private ScheduledFuture<?> heartbeatTask;
  private volatile boolean connected;

  /**
   * @param http a client; the socket gets a copy without read or call timeouts
   * @param supabaseUrl the project URL; {@code /realtime/v1/websocket} is appended
   * @param apiKey the anon key: socket {@code apikey} and join {@code access_token}
   */
  public RealtimeClient(
      OkHttpClient http,
      URI supabaseUrl,
      String apiKey,
      Duration heartbeatInterval,
      Backoff reconnectBackoff) {
    this(http, supabaseUrl, apiKey, heartbeatInterval, reconnectBackoff, null);
  }

  /**
   * As above, on {@code sharedLoop} instead of a thread of its own: a one-thread scheduler that
   * several clients share (the fleet simulator runs a thousand robots on a few). Each client's
   * state stays confined to that one thread; {@link #stop} leaves a shared loop running.
   *
   * @param sharedLoop a one-thread scheduler, or null for the client's own {@code agent-realtime}
   */
  public RealtimeClient(
      OkHttpClient http,
      URI supabaseUrl,
      String apiKey,
      Duration heartbeatInterval,
      Backoff reconnectBackoff,
      GuardedScheduler sharedLoop) {
    this.loop = sharedLoop != null ? sharedLoop : new GuardedScheduler("agent-realtime");
    this.ownLoop = sharedLoop == null;
    this.http =
        http.newBuilder()
            .readTimeout(Duration.ZERO)
            .callTimeout(Duration.ZERO)
            .pingInterval(Duration.ZERO)
            .build();
    String base = supabaseUrl.toString().replaceFirst("^http", "ws");
    this.url = base + "/realtime/v1/websocket?apikey=" + apiKey + "&vsn=1.0.0";
    this.accessToken = apiKey.startsWith("sb_") ? null : apiKey;
    this.accessTokenForScrub = apiKey;
    this.heartbeatInterval = heartbeatInterval;
    this.reconnectBackoff = reconnectBackoff;
  }

  /** The usual settings: 25 s heartbeat, reconnect backoff from 1 s up to 30 s. */
  public RealtimeClient(OkHttpClient http, URI supabaseUrl, String apiKey) {
    this(
        http,
        supabaseUrl,
        apiKey,
        HEARTBEAT_INTERVAL,
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)));
  }

  /** A channel on {@code realtime:<subtopic>}; it joins as soon as the socket is open. */
  public RealtimeChannel channel(String subtopic, ChannelOptions options) {
    RealtimeChannel channel =
        new RealtimeChannel(this, "realtime:" + subtopic, options, accessToken);
    loop.execute(
        () -> {
          channels.put(channel.topic(), channel);
          if (connected) {
            channel.join();
          }
        });
    return channel;
  }

  /** The loop thread (socket, channels, listeners), for {@code /healthz}. */
  public Worker worker() {
    return Worker.of("realtime", loop::alive, loop::failures);
  }

  public void start() {
    loop.execute(this::connect);
  }

  public boolean isConnected() {
    return connected;
  }

  /** The project's Realtime quotas that refused this client, counted (for {@code /metrics}). */
  public RealtimeQuota quota() {
    return quota;
  }

  /**
   * Leaves every channel (which removes this client's presence), closes the socket and stops the
   * loop thread; idempotent, returns within about {@code deadline}.
   */
  public void stop(Duration deadline) {
    if (loop.isShutdown() || !stopCalled.compareAndSet(false, true)) {
      return;
    }
    try {
      loop.submit(this::closeAll).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.debug("realtime close did not finish cleanly: {}", e.toString());
    }
    if (ownLoop) {
      ExecutorStop.stop(loop, deadline, "realtime loop");
    }
  }

  private void closeAll() {
    stopped = true;
    channels.values().forEach(RealtimeChannel::leaveNow);
    if (socket != null) {
      socket.close(1000, "agent stopping");
      socket = null;
    }
    connected = false;
    cancelHeartbeat();
  }

  private void connect() {
    if (stopped) {
      return;
    }
    socket = http.newWebSocket(new Request.Builder().url(url).build(), new Listener());
  }

  private void opened(WebSocket ws) {
    if (ws != socket) {
      return;
    }
    connected = true;
    quotaAttempt = 0;
    pendingHeartbeat = null;
    long millis = heartbeatInterval.toMillis();
    heartbeatTask =
        loop.scheduleAtFixedRate(this::heartbeat, millis, millis, TimeUnit.MILLISECONDS);
    log.debug("realtime socket open");
    channels.values().forEach(RealtimeChannel::join);
  }

  private void lost(WebSocket ws, String reason) {
    lost(ws, reason, null);
  }

  /**
   * The socket is gone; reconnect later. {@code quotaText} is the server's refusal when the
   * project's quota refused it (429): counted, warned about once, retried after {@link
   * #QUOTA_BACKOFF}.
   */
  private void lost(WebSocket ws, String reason, String quotaText) {
    if (ws != socket || stopped) {
      return;
    }
    socket = null;
    boolean wasConnected = connected;
    connected = false;
    cancelHeartbeat();
    channels.values().forEach(RealtimeChannel::disconnected);
    if (quotaText != null) {
      RealtimeQuota.Kind kind =
          RealtimeQuota.classify(quotaText).orElse(RealtimeQuota.Kind.CONNECTIONS);
      quota.refused(kind, quotaText, "socket");
      Duration wait = QUOTA_BACKOFF.delay(quotaAttempt++);
      log.debug("realtime refused for quota; retry in {} ms", wait.toMillis());
      loop.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    Duration wait = reconnectBackoff.delay(reconnectAttempt++);
    if (wasConnected || reconnectAttempt == 1) {
      log.warn("realtime connection lost ({}); reconnecting in {} ms", reason, wait.toMillis());
    } else {
      log.debug("realtime connect failed ({}); retry in {} ms", reason, wait.toMillis());
    }
    loop.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void heartbeat() {
    WebSocket ws = socket;
    if (ws == null) {
      return;
    }
    if (pendingHeartbeat != null) {
      lost(ws, "heartbeat reply missing after " + heartbeatInterval.toSeconds() + " s");
      ws.cancel();
      return;
    }
    pendingHeartbeat = nextRef();
    send(
        new PhoenixMessage(
            "phoenix", "heartbeat", Json.MAPPER.createObjectNode(), pendingHeartbeat, null));
  }

  private void cancelHeartbeat() {
    if (heartbeatTask != null) {
      heartbeatTask.cancel(false);
      heartbeatTask = null;
    }
  }

  private void received(WebSocket ws, String text) {
    if (ws != socket) {
      return;
    }
    PhoenixMessage.decode(text)
        .ifPresentOrElse(
            this::dispatch, () -> log.debug("ignoring a frame that is not a Phoenix message"));
  }

  private void dispatch(PhoenixMessage message) {
    if ("phoenix".equals(message.topic())) {
      if (message.ref() != null && message.ref().equals(pendingHeartbeat)) {
        pendingHeartbeat = null;
      }
      return;
    }
    RealtimeChannel channel = channels.get(message.topic());
    if (channel != null) {
      channel.handle(message);
    }
  }

  // --- for RealtimeChannel (loop thread only) ---

  String nextRef() {
    return Long.toString(refs.incrementAndGet());
  }

  boolean send(PhoenixMessage message) {
    return socket != null && connected && socket.send(message.encode());
  }

  boolean connectedOnLoop() {
    return connected;
  }

  RealtimeQuota quotaOnLoop() {
    return quota;
  }

  void joinSucceeded() {
    reconnectAttempt = 0;
  }

  ScheduledExecutorService loop() {
    return loop;
  }

  private void hand(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // stopped: frames arriving during shutdown are of no interest
    }
  }

  private final class Listener extends WebSocketListener {
    @Override
    public void onOpen(WebSocket ws, Response response) {
      hand(() -> opened(ws));
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
      hand(() -> received(ws, text));
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      ws.close(1000, null);
      hand(() -> lost(ws, "server closed: " + code + " " + reason));
    }

    @Override
    public void onFailure(WebSocket ws, Throwable t, Response response) {
      String why =
          response != null
              ? "HTTP " + response.code()
              : Secrets.scrub(t.toString(), accessTokenForScrub);
      String quotaText = response != null && response.code() == 429 ? refusal(response) : null;
      hand(() -> lost(ws, why, quotaText));
    }

    /** The {@code error} of a 429 refusal's JSON body, or a stand-in when it has none. */
    private String refusal(Response response) {
      try {
        okhttp3.ResponseBody body = response.body();
        String text = body == null ? "" : body.string();
        String error = Json.MAPPER.readTree(text).path("error").asText("");
        return error.isEmpty() ? "HTTP 429 Too many connected users" : error;
      } catch (java.io.IOException | RuntimeException e) {
        return "HTTP 429 Too many connected users";
      }
    }
  }
}
