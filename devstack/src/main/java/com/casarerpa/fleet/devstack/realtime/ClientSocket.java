package com.casarerpa.fleet.devstack.realtime;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection: its serializer, its connect token, its joined channels (one per topic),
 * and when it last sent a frame. Sending never blocks: frames go to Jetty's outbound queue; a
 * socket with more than {@code maxPendingFrames} unsent frames is closed (code 1011) rather than
 * let memory grow without bound.
 */
final class ClientSocket {
  private static final Logger log = LoggerFactory.getLogger(ClientSocket.class);

  private final String id;
  private final Session session;
  private final Serializer serializer;
  private final TokenCheck.Verified token;
  private final int maxPendingFrames;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long lastInboundMillis;
  private volatile long emptySinceMillis = -1;

  ClientSocket(
      String id,
      Session session,
      Serializer serializer,
      TokenCheck.Verified token,
      int maxPendingFrames,
      long nowMillis) {
    this.id = id;
    this.session = session;
    this.serializer = serializer;
    this.token = token;
    this.maxPendingFrames = maxPendingFrames;
    this.lastInboundMillis = nowMillis;
  }

  String id() {
    return id;
  }

  Serializer serializer() {
    return serializer;
  }

  /** The token the socket connected with (the {@code apikey}). */
  TokenCheck.Verified token() {
    return token;
  }

  Channel channel(String topic) {
    return channels.get(topic);
  }

  Collection<Channel> channels() {
    return channels.values();
  }

  int channelCount() {
    return channels.size();
  }

  void add(Channel channel) {
    channels.put(channel.topic(), channel);
    emptySinceMillis = -1;
  }

  /** Removes {@code channel} if it is still the current join of its topic. */
  void remove(Channel channel, long nowMillis) {
    if (channels.remove(channel.topic(), channel) && channels.isEmpty()) {
      emptySinceMillis = nowMillis;
    }
  }

  /** Since when a socket that had channels has none, or -1. */
  long emptySinceMillis() {
    return emptySinceMillis;
  }

  void touch(long nowMillis) {
    lastInboundMillis = nowMillis;
  }

  long lastInboundMillis() {
    return lastInboundMillis;
  }

  boolean isClosed() {
    return closed.get();
  }

  void send(PhoenixMessage message) {
    send(serializer.encode(message));
  }

  void send(Frame frame) {
    if (frame == null || closed.get()) {
      return;
    }
    if (pending.incrementAndGet() > maxPendingFrames) {
      pending.decrementAndGet();
      log.warn("socket {} has {} unsent frames; closing it as too slow", id, maxPendingFrames);
      close(1011, "too many pending frames");
      return;
    }
    Callback done = Callback.from(pending::decrementAndGet, failure -> pending.decrementAndGet());
    try {
      if (frame.text() != null) {
        session.sendText(frame.text(), done);
      } else {
        session.sendBinary(frame.binary().duplicate(), done);
      }
    } catch (RuntimeException e) {
      pending.decrementAndGet();
      log.debug("socket {}: send failed: {}", id, e.toString());
    }
  }

  /**
   * Marks the socket closed and closes the WebSocket with {@code code}; returns false when it was
   * already closed. The caller cleans up channels.
   */
  boolean close(int code, String reason) {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    try {
      session.close(code, reason, Callback.NOOP);
    } catch (RuntimeException e) {
      log.debug("socket {}: close failed: {}", id, e.toString());
    }
    return true;
  }

  /** Marks the socket closed after the peer closed it; returns false when it already was. */
  boolean markClosed() {
    return closed.compareAndSet(false, true);
  }

  /** Drops the TCP connection without a close handshake (for peers that vanished). */
  void disconnect() {
    try {
      session.disconnect();
    } catch (RuntimeException e) {
      log.debug("socket {}: disconnect failed: {}", id, e.toString());
    }
  }
}
