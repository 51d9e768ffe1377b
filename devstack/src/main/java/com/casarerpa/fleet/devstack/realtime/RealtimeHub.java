package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is connected and who listens to what: sockets, the channels of each topic (public and private
 * namespaces apart), presence per topic, and the rate counters. Fans out broadcasts and presence
 * diffs, and closes channels and sockets with Supabase's messages. Thread-safe; no lock is held
 * while sending.
 */
final class RealtimeHub {
  static final String TOPIC_PREFIX = "realtime:";
  private static final Logger log = LoggerFactory.getLogger(RealtimeHub.class);

  private record Members(Set<Channel> channels, Presence presence) {
    Members() {
      this(ConcurrentHashMap.newKeySet(), new Presence());
    }
  }

  private final RealtimeSettings settings;
  private final InstantSource clock;
  private final TokenCheck tokens;
  private final ScheduledExecutorService timer;
  private final Map<String, ClientSocket> sockets = new ConcurrentHashMap<>();
  private final Map<String, Members> topics = new ConcurrentHashMap<>();
  private final List<Consumer<Channel>> closeListeners = new CopyOnWriteArrayList<>();
  private final RollingRate events;
  private final RollingRate joins;
  private final RollingRate presenceEvents;

  RealtimeHub(
      RealtimeSettings settings,
      InstantSource clock,
      TokenCheck tokens,
      ScheduledExecutorService timer) {
    this.settings = settings;
    this.clock = clock;
    this.tokens = tokens;
    this.timer = timer;
    this.events = RollingRate.perMinuteAverage(clock);
    this.joins = RollingRate.perMinuteAverage(clock);
    this.presenceEvents = RollingRate.perMinuteAverage(clock);
  }

  static String namespaceKey(String topic, boolean privateTopic) {
    return (privateTopic ? "private|" : "public|") + topic;
  }

  RealtimeSettings settings() {
    return settings;
  }

  InstantSource clock() {
    return clock;
  }

  TokenCheck tokens() {
    return tokens;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  void onChannelClosed(Consumer<Channel> listener) {
    closeListeners.add(listener);
  }

  int socketCount() {
    return sockets.size();
  }

  void register(ClientSocket socket) {
    sockets.put(socket.id(), socket);
  }

  ClientSocket socket(String id) {
    return sockets.get(id);
  }

  /** Counts a join; false when joins per second are over the limit. */
  boolean allowJoin() {
    joins.add(1);
    return joins.perSecond() <= settings.maxJoinsPerSecond();
  }

  /** True when broadcast events per second are over the limit. */
  boolean eventsOverLimit() {
    return events.perSecond() > settings.maxEventsPerSecond();
  }

  void addChannel(Channel channel) {
    channel.socket().add(channel);
    topics.compute(
        channel.namespaceKey(),
        (key, members) -> {
          Members m = members == null ? new Members() : members;
          m.channels().add(channel);
          return m;
        });
  }

  /** The open channels of a topic namespace. */
  Collection<Channel> channels(String namespaceKey) {
    Members members = topics.get(namespaceKey);
    return members == null ? List.of() : members.channels();
  }

  /**
   * Delivers {@code broadcast} to every channel of its topic, except {@code sender} unless it asked
   * for {@code self}. Counts the send and each delivery as events. Returns the deliveries.
   */
  int fanOut(Broadcast broadcast, Channel sender) {
    Members members = topics.get(namespaceKey(broadcast.topic(), broadcast.privateTopic()));
    int delivered = 0;
    if (members != null) {
      Frame v1 = null;
      Frame v2 = null;
      boolean v1Done = false;
      boolean v2Done = false;
      for (Channel channel : members.channels()) {
        if (channel.isClosed() || (channel == sender && !channel.config().broadcastSelf())) {
          continue;
        }
        Serializer serializer = channel.socket().serializer();
        Frame frame;
        if (serializer instanceof JsonArraySerializer) {
          if (!v2Done) {
            v2 = serializer.encode(broadcast);
            v2Done = true;
          }
          frame = v2;
        } else {
          if (!v1Done) {
            v1 = serializer.encode(broadcast);
            v1Done = true;
          }
          frame = v1;
        }
        if (frame != null) {
          channel.socket().send(frame);
          delivered++;
        }
      }
    }
    events.add(1L + delivered);
    return delivered;
  }

  /** True when presence diffs per second are over the limit. */
  boolean presenceOverLimit() {
    return presenceEvents.perSecond() > settings.maxPresenceEventsPerSecond();
  }

  /** Tracks {@code fields} for {@code channel} and sends the diff to the topic. */
  void track(Channel channel, ObjectNode fields) {
    channel.enablePresence();
    Members members = topics.get(channel.namespaceKey());
    if (members == null) {
      return;
    }
    ObjectNode diff = members.presence().track(channel, channel.config().presenceKey(), fields);
    sendDiff(members, diff);
  }

  void untrack(Channel channel) {
    Members members = topics.get(channel.namespaceKey());
    if (members != null) {
      sendDiff(members, members.presence().untrack(channel, channel.config().presenceKey()));
    }
  }

  ObjectNode presenceState(Channel channel) {
    Members members = topics.get(channel.namespaceKey());
    return members == null ? Presence.emptyState() : members.presence().state();
  }

  private void sendDiff(Members members, ObjectNode diff) {
    if (diff == null) {
      return;
    }
    int delivered = 0;
    for (Channel channel : members.channels()) {
      if (!channel.isClosed() && channel.presenceEnabled()) {
        channel.push("presence_diff", diff);
        delivered++;
      }
    }
    presenceEvents.add(delivered);
  }

  /**
   * Closes {@code channel}: leaves its presence, drops its subscriptions, and sends {@code
   * phx_close} when {@code notify}. Idempotent.
   */
  void closeChannel(Channel channel, boolean notify) {
    if (!channel.markClosed()) {
      return;
    }
    channel.socket().remove(channel, clock.millis());
    String key = channel.namespaceKey();
    Members members = topics.get(key);
    if (members != null) {
      members.channels().remove(channel);
      sendDiff(members, members.presence().untrack(channel, channel.config().presenceKey()));
      topics.computeIfPresent(
          key, (k, m) -> m.channels().isEmpty() && m.presence().isEmpty() ? null : m);
    }
    for (Consumer<Channel> listener : closeListeners) {
      try {
        listener.accept(channel);
      } catch (RuntimeException e) {
        log.warn("channel close listener failed for {}: {}", channel.topic(), e.toString());
      }
    }
    if (notify) {
      channel.pushClose();
    }
  }

  /** A {@code system} error on {@code channel}, then {@code phx_close}: how Supabase ends it. */
  void shutdownChannel(Channel channel, String message) {
    if (channel.isClosed()) {
      return;
    }
    channel.pushSystem("system", "error", message);
    closeChannel(channel, true);
  }

  /** Ends every channel of {@code socket} (no {@code phx_close}: the socket is gone). */
  void forget(ClientSocket socket) {
    socket.markClosed();
    sockets.remove(socket.id(), socket);
    for (Channel channel : List.copyOf(socket.channels())) {
      closeChannel(channel, false);
    }
  }

  /** Closes {@code socket} with {@code code} and forgets it. */
  void disconnect(ClientSocket socket, int code, String reason) {
    socket.close(code, reason);
    forget(socket);
  }

  /**
   * Closes sockets that sent nothing for the idle timeout (their presence leaves at once; peers
   * that vanished don't answer the close handshake, so the TCP connection is dropped shortly
   * after), and sockets left without channels for the no-channel timeout.
   */
  void closeIdleSockets() {
    long now = clock.millis();
    long cutoff = now - settings.idleTimeout().toMillis();
    long emptyCutoff = now - settings.noChannelTimeout().toMillis();
    for (ClientSocket socket : List.copyOf(sockets.values())) {
      long emptySince = socket.emptySinceMillis();
      if (emptySince >= 0 && emptySince < emptyCutoff && socket.channelCount() == 0) {
        log.debug(
            "socket {} has had no channels for {}; closing",
            socket.id(),
            settings.noChannelTimeout());
        disconnect(socket, 1000, "no channels");
      } else if (socket.lastInboundMillis() < cutoff) {
        log.debug("socket {} idle for {}; closing", socket.id(), settings.idleTimeout());
        disconnect(socket, 1000, "idle timeout");
        timer.schedule(socket::disconnect, 1, TimeUnit.SECONDS);
      }
    }
  }

  /** Re-checks {@code channel}'s token at min(max interval, expiry) and ends it once expired. */
  void scheduleTokenCheck(Channel channel) {
    Instant expiry = channel.token().expiry();
    Duration left = Duration.between(clock.instant(), expiry);
    Duration delay =
        left.compareTo(settings.maxTokenCheckInterval()) < 0
            ? left
            : settings.maxTokenCheckInterval();
    long millis = Math.max(0, delay.toMillis());
    channel.tokenTimer(timer.schedule(() -> checkToken(channel), millis, TimeUnit.MILLISECONDS));
  }

  private void checkToken(Channel channel) {
    try {
      if (channel.isClosed()) {
        return;
      }
      Instant expiry = channel.token().expiry();
      if (!clock.instant().isBefore(expiry)) {
        shutdownChannel(channel, tokens.expired(expiry).message());
      } else {
        scheduleTokenCheck(channel);
      }
    } catch (Throwable t) {
      log.error("token check for {} failed", channel.topic(), t);
    }
  }

  /** Closes every socket (server shutdown). */
  void closeAll() {
    for (ClientSocket socket : List.copyOf(sockets.values())) {
      disconnect(socket, 1001, "server shutting down");
    }
  }
}
