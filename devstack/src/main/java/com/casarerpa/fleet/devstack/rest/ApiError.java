package com.casarerpa.fleet.devstack.rest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PostgREST error answer: the HTTP status and the body {@code {code, details, hint, message}}.
 * Thrown anywhere while serving a request; the component turns it into the response.
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;
  private final String details;
  private final String hint;
  private final Map<String, String> headers;

  public ApiError(int status, String code, String message, String details, String hint) {
    this(status, code, message, details, hint, Map.of());
  }

  public ApiError(
      int status,
      String code,
      String message,
      String details,
      String hint,
      Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details;
    this.hint = hint;
    this.headers = Map.copyOf(headers);
  }

  /** 400 {@code PGRST100}: the query string could not be parsed. */
  public static ApiError badQuery(String message, String details) {
    return new ApiError(400, "PGRST100", message, details, null);
  }

  /** 400 {@code PGRST102}: the request body is not what the endpoint takes. */
  public static ApiError badBody(String message) {
    return new ApiError(400, "PGRST102", message, null, null);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The JSON body, keys in PostgREST's order. */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code);
    body.put("details", details);
    body.put("hint", hint);
    body.put("message", getMessage());
    return body;
  }
}
