package com.casarerpa.fleet.agent.supabase;

import com.casarerpa.fleet.agent.internal.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;

/**
 * PostgREST error bodies ({@code {code, message, details, hint}}) and gateway bodies ({@code
 * {message}}) mapped to exceptions by status and code.
 */
final class ErrorMapping {
  private ErrorMapping() {}

  static SupabaseException toException(String rpc, int status, String body, Duration retryAfter) {
    JsonNode json = parse(body);
    String code = text(json, "code");
    String message = text(json, "message");
    if (message == null) {
      message = body.isBlank() ? "HTTP " + status : body.strip();
    }
    String details = text(json, "details");
    String hint = text(json, "hint");
    String summary =
        "rpc "
            + rpc
            + ": HTTP "
            + status
            + (code == null ? "" : " " + code)
            + ": "
            + message
            + (details == null ? "" : " (" + details + ")");
    if (status == 401 || "PT401".equals(code)) {
      return new RobotKeyRejected(summary, status, code);
    }
    if (status == 409 && ("PT409".equals(code) || message.contains("lease lost"))) {
      return new LeaseLost(summary, status, code);
    }
    if (status == 408 || status == 429 || status >= 500) {
      return new BackendUnavailable(summary, status, code, new SupabaseRest.RetryAfter(retryAfter));
    }
    return new RpcRejected(summary, status, code, details, hint);
  }

  private static JsonNode parse(String body) {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(JsonNode json, String field) {
    if (json == null) {
      return null;
    }
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
