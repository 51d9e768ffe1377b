package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsErrorContext;
import io.javalin.websocket.WsMessageContext;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint: checks the {@code apikey} and {@code vsn} before the upgrade (refusing
 * with Realtime's HTTP errors), then turns frames into {@link PhoenixMessage}s for the {@link
 * ChannelRouter}. A frame that cannot be decoded is dropped; the socket stays open.
 */
final class SocketEndpoint {
  private static final Logger log = LoggerFactory.getLogger(SocketEndpoint.class);
  private static final String TOKEN_ATTRIBUTE = "realtime.token";

  private final RealtimeHub hub;
  private final ChannelRouter router;
  private final ObjectMapper json;
  private final ApiKeys keys;
  private final Map<String, ClientSocket> bySession = new ConcurrentHashMap<>();

  SocketEndpoint(RealtimeHub hub, ChannelRouter router, ObjectMapper json, ApiKeys keys) {
    this.hub = hub;
    this.router = router;
    this.json = json;
    this.keys = keys;
  }

  /** Before the upgrade: refuse a missing or bad key, an unknown vsn, or too many users. */
  void beforeUpgrade(Context ctx) {
    String key = ctx.header("x-api-key");
    if (key == null || key.isEmpty()) {
      key = ctx.queryParam("apikey");
    }
    if (key == null || key.isEmpty()) {
      refuse(ctx, 401, "API key is missing");
    }
    TokenCheck.Verified token;
    try {
      token = hub.tokens().verify(keys.jwtFor(key));
    } catch (TokenCheck.RefusedException e) {
      refuse(ctx, 401, e.refusal().connectMessage());
      return;
    }
    if (Serializer.forVersion(ctx.queryParam("vsn"), json) == null) {
      refuse(
          ctx,
          400,
          "Unsupported serializer version vsn=" + ctx.queryParam("vsn") + "; use 1.0.0 or 2.0.0");
    }
    if (hub.socketCount() >= hub.settings().maxConcurrentUsers()) {
      refuse(ctx, 429, "Too many connected users");
    }
    ctx.attribute(TOKEN_ATTRIBUTE, token);
  }

  /**
   * Answers {@code status} with {@code {"error": message}} and stops the upgrade. Javalin does not
   * render a result for upgrade requests, so the body is written and committed here.
   */
  private void refuse(Context ctx, int status, String message) {
    long delay = hub.settings().connectErrorBackoff().toMillis();
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] body =
        ("{\"error\":" + json.getNodeFactory().textNode(message) + "}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      ctx.res().setStatus(status);
      ctx.res().setContentType("application/json");
      ctx.res().setContentLength(body.length);
      ctx.res().getOutputStream().write(body);
      ctx.res().flushBuffer();
    } catch (java.io.IOException e) {
      log.debug("writing the upgrade refusal failed: {}", e.toString());
    }
    throw new UpgradeRefusedException(status, message);
  }

  void configure(WsConfig ws) {
    ws.onConnect(this::connected);
    ws.onMessage(this::text);
    ws.onBinaryMessage(this::binary);
    ws.onClose(this::closed);
    ws.onError(this::failed);
  }

  private void connected(WsConnectContext ctx) {
    TokenCheck.Verified token = ctx.attribute(TOKEN_ATTRIBUTE);
    if (token == null) {
      token = reverify(ctx);
    }
    Serializer serializer = Serializer.forVersion(ctx.queryParam("vsn"), json);
    if (token == null || serializer == null) {
      ctx.closeSession(1008, "refused");
      return;
    }
    ctx.session.setIdleTimeout(hub.settings().idleTimeout().multipliedBy(2));
    ctx.session.setMaxTextMessageSize(Math.max(5_000_000L, hub.settings().maxPayloadBytes() * 2L));
    ctx.session.setMaxBinaryMessageSize(
        Math.max(5_000_000L, hub.settings().maxPayloadBytes() * 2L));
    ClientSocket socket =
        new ClientSocket(
            UUID.randomUUID().toString(),
            ctx.session,
            serializer,
            token,
            hub.settings().maxPendingFrames(),
            hub.clock().millis());
    bySession.put(ctx.sessionId(), socket);
    hub.register(socket);
    log.debug(
        "socket {} connected (vsn {}, role {})", socket.id(), serializer.version(), token.role());
  }

  private void text(WsMessageContext ctx) {
    ClientSocket socket = socket(ctx);
    if (socket == null) {
      return;
    }
    socket.touch(hub.clock().millis());
    try {
      route(socket, socket.serializer().decode(ctx.message()));
    } catch (MalformedFrameException e) {
      log.debug("socket {}: dropped malformed frame: {}", socket.id(), e.getMessage());
    }
  }

  private void binary(WsBinaryMessageContext ctx) {
    ClientSocket socket = socket(ctx);
    if (socket == null) {
      return;
    }
    socket.touch(hub.clock().millis());
    try {
      route(socket, socket.serializer().decode(ctx.data()));
    } catch (MalformedFrameException e) {
      log.debug("socket {}: dropped malformed binary frame: {}", socket.id(), e.getMessage());
    }
  }

  private void route(ClientSocket socket, PhoenixMessage message) {
    try {
      router.handle(socket, message);
    } catch (RuntimeException e) {
      log.warn(
          "socket {}: handling {} on {} failed", socket.id(), message.event(), message.topic(), e);
    }
  }

  private void closed(WsCloseContext ctx) {
    ClientSocket socket = bySession.remove(ctx.sessionId());
    if (socket != null) {
      hub.forget(socket);
      log.debug("socket {} closed ({})", socket.id(), ctx.status());
    }
  }

  private void failed(WsErrorContext ctx) {
    ClientSocket socket = bySession.remove(ctx.sessionId());
    if (socket != null) {
      log.debug("socket {} failed: {}", socket.id(), String.valueOf(ctx.error()));
      hub.forget(socket);
    }
  }

  private ClientSocket socket(WsContext ctx) {
    return bySession.get(ctx.sessionId());
  }

  private TokenCheck.Verified reverify(WsContext ctx) {
    String key = ctx.header("x-api-key");
    if (key == null || key.isEmpty()) {
      key = ctx.queryParam("apikey");
    }
    try {
      return key == null ? null : hub.tokens().verify(keys.jwtFor(key));
    } catch (TokenCheck.RefusedException e) {
      return null;
    }
  }
}
