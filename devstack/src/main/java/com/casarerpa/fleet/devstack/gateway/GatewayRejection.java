package com.casarerpa.fleet.devstack.gateway;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway refused a request. {@link #body()} is the JSON object to send (Supabase's own
 * wording), {@link #headers()} any extra response headers such as {@code WWW-Authenticate}.
 */
public final class GatewayRejection extends RuntimeException {
  private final int status;
  private final Map<String, Object> body;
  private final Map<String, String> headers;

  GatewayRejection(int status, Map<String, Object> body, Map<String, String> headers) {
    super(String.valueOf(body.get("message")), null, false, false);
    this.status = status;
    this.body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
    this.headers = Map.copyOf(headers);
  }

  public int status() {
    return status;
  }

  public Map<String, Object> body() {
    return body;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
