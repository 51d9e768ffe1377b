package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.net.InternalAddressPolicy;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider.ServiceCredentials;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Telegram (Bot API) and WhatsApp (Cloud API) nodes over HTTPS JSON. Secrets and base URLs come
 * only from the robot's credentials: {@code telegram} ({@code bot_token}, {@code base_url} default
 * https://api.telegram.org) and {@code whatsapp} ({@code access_token}, {@code phone_number_id},
 * {@code base_url} default https://graph.facebook.com, {@code api_version} v21.0). Media are sent
 * by URL or file id (no local uploads). Error messages carry the API's description, never the token
 * or the URL that contains it.
 */
final class MessagingNodes {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private MessagingNodes() {}

  static List<NodeType> all() {
    return List.of(
        telegram("TelegramSendMessageNode", "sendMessage", "text", List.of("parse_mode")),
        telegram("TelegramSendPhotoNode", "sendPhoto", "photo", List.of("caption")),
        telegram("TelegramSendDocumentNode", "sendDocument", "document", List.of("caption")),
        NodeType.of(
            "TelegramSendLocationNode",
            c ->
                ctx ->
                    telegramCall(
                        ctx,
                        "sendLocation",
                        body(
                            "chat_id", chatId(ctx),
                            "latitude", ctx.number("latitude", 0),
                            "longitude", ctx.number("longitude", 0)))),
        NodeType.of(
            "TelegramSendMediaGroupNode",
            c ->
                ctx -> {
                  Object media = ctx.param("media");
                  if (!(media instanceof List<?> l) || l.isEmpty()) {
                    throw required(ctx, "media (a list of {type, media} items)");
                  }
                  return telegramCall(
                      ctx, "sendMediaGroup", body("chat_id", chatId(ctx), "media", media));
                }),
        NodeType.of(
            "TelegramEditMessageNode",
            c ->
                ctx ->
                    telegramCall(
                        ctx,
                        "editMessageText",
                        body(
                            "chat_id", chatId(ctx),
                            "message_id", requiredText(ctx, "message_id"),
                            "text", requiredText(ctx, "text")))),
        NodeType.of(
            "TelegramDeleteMessageNode",
            c ->
                ctx ->
                    telegramCall(
                        ctx,
                        "deleteMessage",
                        body(
                            "chat_id",
                            chatId(ctx),
                            "message_id",
                            requiredText(ctx, "message_id")))),
        NodeType.of(
            "TelegramGetUpdatesNode",
            c ->
                ctx ->
                    telegramCall(
                        ctx,
                        "getUpdates",
                        body(
                            "offset",
                            ctx.param("offset") == null ? null : ctx.integer("offset", 0),
                            "limit",
                            ctx.integer("limit", 100),
                            "timeout",
                            0L))),
        NodeType.of(
            "TelegramAnswerCallbackNode",
            c ->
                ctx ->
                    telegramCall(
                        ctx,
                        "answerCallbackQuery",
                        body(
                            "callback_query_id", requiredText(ctx, "callback_query_id"),
                            "text", ctx.string("text", null)))),
        whatsapp("WhatsAppSendMessageNode", "text"),
        whatsapp("WhatsAppSendImageNode", "image"),
        whatsapp("WhatsAppSendDocumentNode", "document"),
        whatsapp("WhatsAppSendVideoNode", "video"),
        whatsapp("WhatsAppSendLocationNode", "location"),
        whatsapp("WhatsAppSendTemplateNode", "template"),
        whatsapp("WhatsAppSendInteractiveNode", "interactive"));
  }

  private static Map<String, Object> body(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  private static NodeException required(NodeContext ctx, String what) {
    return new NodeException(ctx.nodeId() + ": " + what + " is required", "ValueError", null);
  }

  private static String requiredText(NodeContext ctx, String key) throws NodeException {
    String v = ctx.string(key, "");
    if (v.isBlank()) {
      throw required(ctx, key);
    }
    return v;
  }

  private static String chatId(NodeContext ctx) throws NodeException {
    return requiredText(ctx, "chat_id");
  }

  private static ServiceCredentials credentials(NodeContext ctx, String service)
      throws NodeException {
    return ctx.credentials()
        .lookup(service)
        .orElseThrow(
            () ->
                new NodeException(
                    ctx.nodeId()
                        + ": this robot has no "
                        + service
                        + " credentials; add a '"
                        + service
                        + "' entry to its credentials configuration",
                    "ConfigurationError",
                    null));
  }

  // ---- Telegram ----

  private static NodeType telegram(String name, String method, String content, List<String> extra) {
    return NodeType.of(
        name,
        c ->
            ctx -> {
              Map<String, Object> b =
                  body("chat_id", chatId(ctx), content, requiredText(ctx, content));
              for (String key : extra) {
                String v = ctx.string(key, "");
                if (!v.isBlank()) {
                  b.put(key, v);
                }
              }
              if (ctx.flag("disable_notification", false)) {
                b.put("disable_notification", true);
              }
              return telegramCall(ctx, method, b);
            });
  }

  private static NodeResult telegramCall(NodeContext ctx, String method, Map<String, Object> body)
      throws NodeException {
    ServiceCredentials creds = credentials(ctx, "telegram");
    String base = creds.get("base_url", "https://api.telegram.org").replaceAll("/+$", "");
    String url = base + "/bot" + creds.require("bot_token") + "/" + method;
    JsonNode reply = post(ctx, "Telegram", url, null, body);
    if (!reply.path("ok").asBoolean(false)) {
      throw new NodeException(
          ctx.nodeId()
              + ": Telegram refused "
              + method
              + ": "
              + reply.path("description").asText("no description"),
          "TelegramError",
          null);
    }
    JsonNode result = reply.path("result");
    Object value = JsonValues.toValue(result);
    ctx.output("result", value);
    if (result.has("message_id")) {
      ctx.output("message_id", result.get("message_id").asLong());
      ctx.output("chat_id", JsonValues.toValue(result.path("chat").path("id")));
    }
    if ("getUpdates".equals(method)) {
      ctx.output("updates", value);
      ctx.output("count", (long) result.size());
    }
    ctx.output("success", true);
    return NodeResult.next();
  }

  // ---- WhatsApp ----

  private static NodeType whatsapp(String name, String type) {
    return NodeType.of(name, c -> ctx -> whatsappCall(ctx, type));
  }

  private static Map<String, Object> media(NodeContext ctx, String key) throws NodeException {
    String link = ctx.string("media_url", ctx.string(key + "_url", ctx.string("url", "")));
    String id = ctx.string("media_id", "");
    if (link.isBlank() && id.isBlank()) {
      throw required(ctx, key + "_url (or media_id)");
    }
    Map<String, Object> m =
        body("link", link.isBlank() ? null : link, "id", id.isBlank() ? null : id);
    String caption = ctx.string("caption", "");
    if (!caption.isBlank()) {
      m.put("caption", caption);
    }
    String filename = ctx.string("filename", "");
    if ("document".equals(key) && !filename.isBlank()) {
      m.put("filename", filename);
    }
    return m;
  }

  private static NodeResult whatsappCall(NodeContext ctx, String type) throws NodeException {
    String to = requiredText(ctx, "to");
    Map<String, Object> payload =
        switch (type) {
          case "text" ->
              body(
                  "body",
                  requiredText(ctx, "message"),
                  "preview_url",
                  ctx.flag("preview_url", false));
          case "image", "document", "video" -> media(ctx, type);
          case "location" ->
              body(
                  "latitude", ctx.number("latitude", 0),
                  "longitude", ctx.number("longitude", 0),
                  "name", ctx.string("name", null),
                  "address", ctx.string("address", null));
          case "template" ->
              body(
                  "name",
                  requiredText(ctx, "template_name"),
                  "language",
                  Map.of("code", ctx.string("language_code", "en_US")));
          default -> {
            Object interactive = ctx.param("interactive");
            if (interactive instanceof String s && s.strip().startsWith("{")) {
              interactive = DictNodes.parse(s, ctx.nodeId());
            }
            if (!(interactive instanceof Map<?, ?> m) || m.isEmpty()) {
              throw required(ctx, "interactive (the Cloud API's interactive object)");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) m;
            yield typed;
          }
        };
    ServiceCredentials creds = credentials(ctx, "whatsapp");
    String base = creds.get("base_url", "https://graph.facebook.com").replaceAll("/+$", "");
    String url =
        base
            + "/"
            + creds.get("api_version", "v21.0")
            + "/"
            + creds.require("phone_number_id")
            + "/messages";
    Map<String, Object> body =
        body(
            "messaging_product",
            "whatsapp",
            "recipient_type",
            "individual",
            "to",
            to,
            "type",
            type);
    body.put(type, payload);
    JsonNode reply = post(ctx, "WhatsApp", url, "Bearer " + creds.require("access_token"), body);
    if (reply.has("error")) {
      throw new NodeException(
          ctx.nodeId()
              + ": WhatsApp refused the message: "
              + reply.path("error").path("message").asText("no message"),
          "WhatsAppError",
          null);
    }
    String id = reply.path("messages").path(0).path("id").asText("");
    ctx.output("message_id", id);
    ctx.output("response", JsonValues.toValue(reply));
    ctx.output("success", !id.isEmpty());
    return NodeResult.next();
  }

  // ---- HTTP ----

  private static JsonNode post(
      NodeContext ctx, String service, String url, String authorization, Map<String, Object> body)
      throws NodeException {
    Request.Builder rb =
        new Request.Builder().url(url).post(RequestBody.create(JsonValues.write(body), JSON));
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    Call call = ctx.http().newCall(rb.build());
    Duration left = ctx.remaining();
    call.timeout()
        .timeout(
            Math.max(1, Math.min(left.toMillis(), 60_000)),
            java.util.concurrent.TimeUnit.MILLISECONDS);
    var onCancel = ctx.cancellation().onCancel(call::cancel);
    try (Response response = call.execute()) {
      String text = response.body().string();
      try {
        return JsonValues.MAPPER.readTree(text);
      } catch (IOException notJson) {
        throw new NodeException(
            ctx.nodeId() + ": " + service + " answered HTTP " + response.code() + " without JSON",
            service + "Error",
            null);
      }
    } catch (IOException e) {
      if (InternalAddressPolicy.isRefusal(e)) {
        // names the host and address only, never the URL (which may hold the bot token)
        throw new NodeException(ctx.nodeId() + ": " + e.getMessage(), service + "Error", null);
      }
      String why = ctx.cancellation().isCancelled() ? "cancelled" : e.getClass().getSimpleName();
      // the URL may hold the bot token: never put it (or e.getMessage(), which may echo it) here
      throw new NodeException(
          ctx.nodeId() + ": cannot reach the " + service + " API (" + why + ")",
          service + "Error",
          null);
    } finally {
      onCancel.close();
    }
  }
}
