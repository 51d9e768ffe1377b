package com.casarerpa.fleet.devstack.rest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to send back: status, headers and an optional JSON body.
 *
 * @param status the HTTP status
 * @param headers response headers
 * @param body the body text, or null for none
 * @param contentType the body's media type (ignored without a body)
 */
record RestResponse(int status, Map<String, String> headers, String body, String contentType) {
  static final String JSON = "application/json; charset=utf-8";
  static final String SINGULAR = "application/vnd.pgrst.object+json; charset=utf-8";

  static RestResponse empty(int status, Map<String, String> headers) {
    return new RestResponse(status, headers, null, null);
  }

  /** Headers builder starting with {@code Content-Range} and {@code Preference-Applied}. */
  static Map<String, String> headers(String contentRange, Prefer prefer) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (contentRange != null) {
      headers.put("Content-Range", contentRange);
    }
    if (prefer != null && !prefer.applied().isEmpty()) {
      headers.put("Preference-Applied", String.join(", ", prefer.applied()));
    }
    return headers;
  }
}
