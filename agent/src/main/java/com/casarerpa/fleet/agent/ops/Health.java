package com.casarerpa.fleet.agent.ops;

import com.casarerpa.fleet.agent.internal.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The {@code /healthz} verdict: healthy when registered and the last heartbeat succeeded within
 * twice its interval (Buildkite's rule).
 *
 * @param reason why it is unhealthy, or null
 * @param details extra fields shown in the body
 */
public record Health(boolean healthy, String reason, Map<String, Object> details) {
  public static Health starting() {
    return new Health(false, "starting: not registered yet", Map.of());
  }

  String toJson() {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", healthy ? "ok" : "unhealthy");
    if (reason != null) {
      body.put("reason", reason);
    }
    details.forEach((k, v) -> body.set(k, Json.MAPPER.valueToTree(v)));
    return body.toString();
  }
}
