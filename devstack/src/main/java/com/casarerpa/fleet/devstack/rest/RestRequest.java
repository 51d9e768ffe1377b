package com.casarerpa.fleet.devstack.rest;

import com.casarerpa.fleet.devstack.gateway.Caller;
import java.util.List;
import java.util.Map;

/**
 * One admitted {@code /rest/v1} request, decoded.
 *
 * @param caller who it runs as
 * @param method the HTTP method
 * @param path the path after {@code /rest/v1} ({@code /todos}, {@code /rpc/fn})
 * @param query the decoded query parameters
 * @param headersJson the request headers as a JSON object with lower-cased names, cookie excluded
 * @param cookiesJson the cookies as a JSON object
 * @param prefer the {@code Prefer} header
 * @param singular whether {@code Accept: application/vnd.pgrst.object+json} asked for one object
 * @param range the {@code Range} header, or null
 * @param body the request body (empty when none)
 */
record RestRequest(
    Caller caller,
    String method,
    String path,
    Map<String, List<String>> query,
    String headersJson,
    String cookiesJson,
    Prefer prefer,
    boolean singular,
    String range,
    String body) {

  String firstParam(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.getFirst();
  }

  boolean isRead() {
    return method.equals("GET") || method.equals("HEAD");
  }
}
