package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles each inbound message of a socket as Phoenix and Supabase Realtime do: heartbeat, join
 * (with duplicate joins, limits and auth), leave, broadcast, presence and {@code access_token}.
 * Messages of one socket arrive one at a time (Jetty delivers them in order).
 */
final class ChannelRouter {
  private static final Logger log = LoggerFactory.getLogger(ChannelRouter.class);

  private final RealtimeHub hub;
  private final ObjectMapper json;
  private final ChannelPolicy policy;
  private final ChangeFeed changes;

  ChannelRouter(RealtimeHub hub, ObjectMapper json, ChannelPolicy policy, ChangeFeed changes) {
    this.hub = hub;
    this.json = json;
    this.policy = policy;
    this.changes = changes;
  }

  void handle(ClientSocket socket, PhoenixMessage message) {
    if (message.topic().equals("phoenix")) {
      if (message.event().equals("heartbeat")) {
        socket.send(PhoenixMessage.ok(message));
      } else {
        socket.send(PhoenixMessage.error(message, "unmatched topic"));
      }
      return;
    }
    Channel channel = socket.channel(message.topic());
    switch (message.event()) {
      case "phx_join" -> new Join(socket, message, hub, json, policy, changes).run();
      case "phx_leave" -> leave(socket, channel, message);
      default -> {
        if (channel == null) {
          socket.send(PhoenixMessage.error(message, "unmatched topic"));
        } else if (isCurrent(channel, message)) {
          handleOnChannel(channel, message);
        }
      }
    }
  }

  /** A message whose join_ref names an older join of the topic is ignored; null is accepted. */
  private static boolean isCurrent(Channel channel, PhoenixMessage message) {
    return message.joinRef().isNull() || message.joinRef().equals(channel.joinRef());
  }

  private void leave(ClientSocket socket, Channel channel, PhoenixMessage message) {
    socket.send(PhoenixMessage.ok(message));
    if (channel != null && isCurrent(channel, message)) {
      hub.closeChannel(channel, true);
    }
  }

  private void handleOnChannel(Channel channel, PhoenixMessage message) {
    switch (message.event()) {
      case "broadcast" -> broadcast(channel, message);
      case "presence" -> presence(channel, message);
      case "access_token" -> accessToken(channel, message);
      default -> log.debug("ignoring event '{}' on {}", message.event(), channel.topic());
    }
  }

  private void broadcast(Channel channel, PhoenixMessage message) {
    Broadcast broadcast;
    boolean privateTopic = channel.config().privateChannel();
    if (message.userPayload() != null) {
      broadcast =
          Broadcast.fromBinaryPush(json, channel.topic(), privateTopic, message.userPayload());
    } else if (message.payload() instanceof ObjectNode map) {
      broadcast = Broadcast.fromClientMap(json, channel.topic(), privateTopic, map);
    } else {
      return;
    }
    boolean ack = channel.config().broadcastAck();
    if (broadcast.payloadSize() > hub.settings().maxPayloadBytes()) {
      if (ack) {
        channel
            .socket()
            .send(
                PhoenixMessage.reply(
                    message, "error", json.getNodeFactory().textNode("payload_size_exceeded")));
      }
      return;
    }
    if (hub.eventsOverLimit()) {
      hub.shutdownChannel(channel, "Too many messages per second");
      return;
    }
    if (privateTopic && !policy.canWrite(channel.token(), channel.subtopic(), "broadcast")) {
      return;
    }
    hub.fanOut(broadcast, channel);
    if (ack) {
      channel.socket().send(PhoenixMessage.ok(message));
    }
  }

  private void presence(Channel channel, PhoenixMessage message) {
    JsonNode payload = message.payload();
    JsonNode eventNode = payload == null ? null : payload.get("event");
    if (eventNode == null || !eventNode.isTextual()) {
      channel.socket().send(PhoenixMessage.ok(message));
      return;
    }
    String event = eventNode.asText().toLowerCase(Locale.ROOT);
    if (!event.equals("track") && !event.equals("untrack")) {
      channel.socket().send(PhoenixMessage.reply(message, "error", json.createObjectNode()));
      return;
    }
    RealtimeSettings settings = hub.settings();
    if (!channel.allowPresenceCall(
        hub.clock().millis(), settings.presenceMaxCalls(), settings.presenceWindow().toMillis())) {
      hub.shutdownChannel(channel, "Client presence rate limit exceeded");
      return;
    }
    if (event.equals("untrack")) {
      hub.untrack(channel);
      channel.socket().send(PhoenixMessage.ok(message));
      return;
    }
    JsonNode fields = payload.get("payload");
    if (!(fields instanceof ObjectNode map)) {
      channel.socket().send(PhoenixMessage.error(message, "Presence track payload must be a map"));
      return;
    }
    if (map.toString().length() > settings.maxPayloadBytes()) {
      hub.shutdownChannel(channel, "Track message size exceeded");
      return;
    }
    if (hub.presenceOverLimit()) {
      hub.shutdownChannel(channel, "Too many presence messages per second");
      return;
    }
    if (channel.config().privateChannel()
        && !policy.canWrite(channel.token(), channel.subtopic(), "presence")) {
      channel.socket().send(PhoenixMessage.reply(message, "error", json.createObjectNode()));
      return;
    }
    hub.track(channel, map);
    channel.socket().send(PhoenixMessage.ok(message));
  }

  /** A new token: no reply on success; a refused one ends the channel with a system error. */
  private void accessToken(Channel channel, PhoenixMessage message) {
    String token = JoinConfig.token(message.payload());
    if (token == null || token.equals(channel.token().token())) {
      return;
    }
    TokenCheck.Verified verified;
    try {
      verified = hub.tokens().verify(token);
    } catch (TokenCheck.RefusedException e) {
      hub.shutdownChannel(channel, e.refusal().message());
      return;
    }
    if (channel.config().privateChannel() && !policy.canRead(verified, channel.subtopic())) {
      hub.shutdownChannel(
          channel,
          "You no longer have permission to read from this Channel topic: " + channel.subtopic());
      return;
    }
    channel.token(verified);
    hub.scheduleTokenCheck(channel);
  }

  /** One {@code phx_join}, step by step. */
  private record Join(
      ClientSocket socket,
      PhoenixMessage message,
      RealtimeHub hub,
      ObjectMapper json,
      ChannelPolicy policy,
      ChangeFeed changes) {

    void run() {
      String topic = message.topic();
      if (!topic.startsWith(RealtimeHub.TOPIC_PREFIX)) {
        socket.send(PhoenixMessage.error(message, "unmatched topic"));
        return;
      }
      Channel existing = socket.channel(topic);
      if (existing != null) {
        hub.closeChannel(existing, true);
      }
      String subtopic = topic.substring(RealtimeHub.TOPIC_PREFIX.length());
      if (subtopic.isEmpty()) {
        refuse("TopicNameRequired: You must provide a topic name");
        return;
      }
      if (socket.channelCount() >= hub.settings().maxChannelsPerClient()) {
        refuse("ChannelRateLimitReached: Too many channels");
        return;
      }
      if (!hub.allowJoin()) {
        socket.send(
            PhoenixMessage.error(message, "ClientJoinRateLimitReached: Too many joins per second"));
        hub.disconnect(socket, 1001, "Too many joins per second");
        return;
      }
      JoinConfig config = JoinConfig.parse(message.payload());
      TokenCheck.Verified token;
      try {
        token =
            config.accessToken() == null
                ? socket.token()
                : hub.tokens().verify(config.accessToken());
      } catch (TokenCheck.RefusedException e) {
        refuse(e.refusal().reason());
        return;
      }
      if (config.privateChannel() && !policy.canRead(token, subtopic)) {
        refuse(
            "Unauthorized: You do not have permissions to read from this Channel topic: "
                + subtopic);
        return;
      }
      Channel channel = new Channel(socket, topic, message.joinRef(), config, token);
      hub.addChannel(channel);
      ArrayNode specs = json.createArrayNode();
      List<Integer> ids = ChangeFeed.specIds(config.postgresChanges());
      for (int i = 0; i < ids.size(); i++) {
        ObjectNode echoed = config.postgresChanges().get(i).deepCopy();
        echoed.put("id", ids.get(i));
        specs.add(echoed);
      }
      ObjectNode response = json.createObjectNode();
      response.set("postgres_changes", specs);
      socket.send(PhoenixMessage.reply(message, "ok", response));
      if (channel.presenceEnabled()) {
        channel.push("presence_state", hub.presenceState(channel));
      }
      hub.scheduleTokenCheck(channel);
      if (!config.postgresChanges().isEmpty()) {
        changes.subscribe(channel, config.postgresChanges(), ids);
      }
    }

    /** A join error reply, after the configured backoff (Supabase waits 5 s). */
    private void refuse(String reason) {
      PhoenixMessage reply = PhoenixMessage.error(message, reason);
      long delay = hub.settings().joinErrorBackoff().toMillis();
      if (delay == 0) {
        socket.send(reply);
      } else {
        hub.timer().schedule(() -> socket.send(reply), delay, TimeUnit.MILLISECONDS);
      }
    }
  }
}
