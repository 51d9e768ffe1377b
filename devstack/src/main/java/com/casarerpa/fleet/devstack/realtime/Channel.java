package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One joined channel instance: a topic on a socket under one {@code join_ref}, with its config, the
 * token that authorizes it, and its postgres_changes subscriptions. A duplicate join, a leave, a
 * system error or the socket's end closes it for good.
 */
final class Channel {
  private final ClientSocket socket;
  private final String topic;
  private final JsonNode joinRef;
  private final JoinConfig config;
  private final ArrayDeque<Long> presenceCalls = new ArrayDeque<>();
  private volatile TokenCheck.Verified token;
  private volatile boolean presenceEnabled;
  private volatile boolean closed;
  private volatile ScheduledFuture<?> tokenTimer;
  private volatile List<ChangeSubscription> subscriptions = List.of();

  Channel(
      ClientSocket socket,
      String topic,
      JsonNode joinRef,
      JoinConfig config,
      TokenCheck.Verified token) {
    this.socket = socket;
    this.topic = topic;
    this.joinRef = joinRef;
    this.config = config;
    this.token = token;
    this.presenceEnabled = config.presenceEnabled();
  }

  ClientSocket socket() {
    return socket;
  }

  /** The full topic, {@code realtime:<subtopic>}. */
  String topic() {
    return topic;
  }

  /** The topic without {@code realtime:}, as {@code system} messages name it. */
  String subtopic() {
    return topic.substring(RealtimeHub.TOPIC_PREFIX.length());
  }

  /** The registry key: public and private topics of the same name are different topics. */
  String namespaceKey() {
    return RealtimeHub.namespaceKey(topic, config.privateChannel());
  }

  JsonNode joinRef() {
    return joinRef;
  }

  JoinConfig config() {
    return config;
  }

  TokenCheck.Verified token() {
    return token;
  }

  void token(TokenCheck.Verified newToken) {
    this.token = newToken;
  }

  boolean presenceEnabled() {
    return presenceEnabled;
  }

  void enablePresence() {
    presenceEnabled = true;
  }

  boolean isClosed() {
    return closed;
  }

  /** Marks the channel closed; returns false when it already was. */
  synchronized boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    ScheduledFuture<?> timer = tokenTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    return true;
  }

  synchronized void tokenTimer(ScheduledFuture<?> timer) {
    ScheduledFuture<?> previous = tokenTimer;
    if (previous != null) {
      previous.cancel(false);
    }
    tokenTimer = timer;
    if (closed) {
      timer.cancel(false);
    }
  }

  List<ChangeSubscription> subscriptions() {
    return subscriptions;
  }

  void subscriptions(List<ChangeSubscription> list) {
    subscriptions = List.copyOf(list);
  }

  /** Counts one presence call; false when it exceeds {@code max} in {@code windowMillis}. */
  synchronized boolean allowPresenceCall(long nowMillis, int max, long windowMillis) {
    while (!presenceCalls.isEmpty() && nowMillis - presenceCalls.peekFirst() >= windowMillis) {
      presenceCalls.pollFirst();
    }
    if (presenceCalls.size() >= max) {
      return false;
    }
    presenceCalls.addLast(nowMillis);
    return true;
  }

  /** A server push on this channel (no ref; vsn 2.0.0 carries the join_ref). */
  void push(String event, JsonNode payload) {
    socket.send(PhoenixMessage.push(joinRef, topic, event, payload));
  }

  /** {@code system {extension, status, message, channel}}. */
  void pushSystem(String extension, String status, String message) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.put("extension", extension);
    payload.put("status", status);
    payload.put("message", message);
    payload.put("channel", subtopic());
    push("system", payload);
  }

  /** {@code phx_error} for this join (the channel failed; clients rejoin). */
  void pushError() {
    socket.send(
        new PhoenixMessage(
            joinRef, joinRef, topic, "phx_error", JsonNodeFactory.instance.objectNode(), null));
  }

  /** {@code phx_close} for this join: ref and join_ref are the join ref. */
  void pushClose() {
    socket.send(
        new PhoenixMessage(
            joinRef, joinRef, topic, "phx_close", JsonNodeFactory.instance.objectNode(), null));
  }
}
