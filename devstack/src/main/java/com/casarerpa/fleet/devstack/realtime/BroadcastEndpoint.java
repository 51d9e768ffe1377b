package com.casarerpa.fleet.devstack.realtime;

import com.casarerpa.fleet.devstack.gateway.ApiGateway;
import com.casarerpa.fleet.devstack.gateway.GatewayRejection;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Realtime's REST broadcast: {@code POST /realtime/v1/api/broadcast} with {@code {"messages":
 * [{topic, event, payload, private?, id?}]}} and the single-message form {@code POST
 * /realtime/v1/api/broadcast/{topic}/events/{event}[?private=true]}. 202 with an empty body; 401
 * {@code {"message":"Unauthorized"}}; 422 {@code {"errors": …}}; private messages the token may not
 * write are skipped silently, as Supabase does. The API gateway's key rules come first, as on
 * hosted Supabase (a missing or unknown {@code apikey} is the gateway's 401).
 */
final class BroadcastEndpoint {
  private final RealtimeHub hub;
  private final ChannelPolicy policy;
  private final ObjectMapper json;
  private final ApiGateway gateway;
  private final ApiKeys keys;

  BroadcastEndpoint(
      RealtimeHub hub, ChannelPolicy policy, ObjectMapper json, ApiGateway gateway, ApiKeys keys) {
    this.hub = hub;
    this.policy = policy;
    this.json = json;
    this.gateway = gateway;
    this.keys = keys;
  }

  void batch(Context ctx) {
    TokenCheck.Verified token = authorize(ctx);
    if (token == null) {
      return;
    }
    JsonNode body;
    try {
      body = json.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      answer(ctx, 400, message("Request body is not valid JSON: " + e.getMessage()));
      return;
    }
    JsonNode messages = body == null ? null : body.get("messages");
    if (messages == null || !messages.isArray()) {
      ObjectNode errors = json.createObjectNode();
      errors.putObject("errors").putArray("messages").add("can't be blank");
      answer(ctx, 422, errors);
      return;
    }
    ArrayNode perMessage = json.createArrayNode();
    boolean invalid = false;
    List<Broadcast> valid = new ArrayList<>();
    for (JsonNode m : messages) {
      ObjectNode problems = json.createObjectNode();
      for (String field : new String[] {"topic", "event", "payload"}) {
        JsonNode value = m.get(field);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
          problems.putArray(field).add("can't be blank");
        }
      }
      if (problems.isEmpty()) {
        JsonNode id = m.get("id");
        Broadcast broadcast =
            Broadcast.user(
                json,
                RealtimeHub.TOPIC_PREFIX + m.get("topic").asText(),
                m.path("private").asBoolean(false),
                m.get("event").asText(),
                m.get("payload"),
                id != null && id.isTextual() ? id.asText() : null,
                false);
        if (broadcast.payloadSize() > hub.settings().maxPayloadBytes()) {
          problems.putArray("payload").add("Payload size exceeds tenant limit");
        } else {
          valid.add(broadcast);
        }
      }
      invalid |= !problems.isEmpty();
      perMessage.add(problems);
    }
    if (invalid) {
      ObjectNode errors = json.createObjectNode();
      errors.putObject("errors").set("messages", perMessage);
      answer(ctx, 422, errors);
      return;
    }
    if (hub.eventsOverLimit()) {
      answer(ctx, 429, message("Too many requests"));
      return;
    }
    valid.forEach(b -> deliver(token, b));
    ctx.status(202);
  }

  void single(Context ctx) {
    TokenCheck.Verified token = authorize(ctx);
    if (token == null) {
      return;
    }
    boolean privateTopic = "true".equalsIgnoreCase(ctx.queryParam("private"));
    String topic = RealtimeHub.TOPIC_PREFIX + ctx.pathParam("topic");
    String event = ctx.pathParam("event");
    byte[] body = ctx.bodyAsBytes();
    Broadcast broadcast;
    String type = ctx.contentType();
    if (type != null && type.startsWith("application/octet-stream")) {
      broadcast =
          Broadcast.fromBinaryPush(
              json, topic, privateTopic, new PhoenixMessage.UserPayload(event, false, body));
    } else {
      JsonNode payload;
      try {
        payload = json.readTree(body);
      } catch (IOException e) {
        answer(ctx, 400, message("Request body is not valid JSON: " + e.getMessage()));
        return;
      }
      broadcast = Broadcast.user(json, topic, privateTopic, event, payload, null, true);
    }
    if (broadcast.payloadSize() > hub.settings().maxPayloadBytes()) {
      ObjectNode errors = json.createObjectNode();
      errors.putObject("errors").putArray("payload").add("Payload size exceeds tenant limit");
      answer(ctx, 422, errors);
      return;
    }
    if (hub.eventsOverLimit()) {
      answer(ctx, 429, message("Too many requests"));
      return;
    }
    deliver(token, broadcast);
    ctx.status(202);
  }

  private void deliver(TokenCheck.Verified token, Broadcast broadcast) {
    String subtopic = broadcast.topic().substring(RealtimeHub.TOPIC_PREFIX.length());
    if (broadcast.privateTopic() && !policy.canWrite(token, subtopic, "broadcast")) {
      return;
    }
    hub.fanOut(broadcast, null);
  }

  /**
   * The gateway's key check, then the JWT: {@code Authorization: Bearer} wins over the key's own
   * JWT. Returns null after answering 401.
   */
  private TokenCheck.Verified authorize(Context ctx) {
    String apiKey = ctx.header("apikey");
    if (apiKey == null || apiKey.isEmpty()) {
      apiKey = ctx.queryParam("apikey");
    }
    try {
      gateway.authenticate(apiKey, null);
    } catch (GatewayRejection rejection) {
      ApiGateway.respond(ctx, rejection, json);
      return null;
    }
    String token = null;
    String authorization = ctx.header("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = keys.jwtFor(authorization.substring(7).trim());
    }
    if (token == null || token.isEmpty()) {
      token = keys.jwtFor(apiKey);
    }
    try {
      return hub.tokens().verify(token);
    } catch (TokenCheck.RefusedException e) {
      answer(ctx, 401, message("Unauthorized"));
      return null;
    }
  }

  private ObjectNode message(String text) {
    ObjectNode body = json.createObjectNode();
    body.put("message", text);
    return body;
  }

  private static void answer(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(body.toString());
  }
}
