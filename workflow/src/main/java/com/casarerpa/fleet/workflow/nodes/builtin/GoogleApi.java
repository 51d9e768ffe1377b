package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider.ServiceCredentials;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One Google REST API (Gmail v1, Sheets v4, Drive v3) called with the robot's bearer access token.
 * The token and the base URL come only from the robot's credentials for {@code service} ({@code
 * access_token}, optional {@code base_url}); errors carry Google's {@code error.message} and the
 * HTTP status, never the token.
 */
final class GoogleApi {
  static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final NodeContext ctx;
  private final String label;
  private final HttpUrl base;
  private final String token;

  private GoogleApi(NodeContext ctx, String label, HttpUrl base, String token) {
    this.ctx = ctx;
    this.label = label;
    this.base = base;
    this.token = token;
  }

  /** The API of {@code service} ({@code gmail}, {@code sheets}, {@code drive}) for this node. */
  static GoogleApi of(NodeContext ctx, String service, String label, String defaultBase)
      throws NodeException {
    ServiceCredentials creds =
        ctx.credentials()
            .lookup(service)
            .orElseThrow(
                () ->
                    new NodeException(
                        ctx.nodeId()
                            + ": this robot has no "
                            + service
                            + " credentials; add a '"
                            + service
                            + "' entry (access_token) to its credentials configuration",
                        "ConfigurationError",
                        null));
    String baseText = creds.get("base_url", defaultBase);
    HttpUrl base = HttpUrl.parse(baseText);
    if (base == null) {
      throw new NodeException(
          ctx.nodeId() + ": the robot's " + service + " base_url is not an http(s) URL",
          "ConfigurationError",
          null);
    }
    return new GoogleApi(ctx, label, base, creds.require("access_token"));
  }

  /**
   * A URL under the base: {@code path} is fixed text with slashes, each of {@code ids} one encoded
   * path segment appended after it (an id can never climb out of the API's path).
   */
  HttpUrl.Builder url(String path, String... ids) throws NodeException {
    HttpUrl.Builder b = base.newBuilder().addPathSegments(path);
    for (String id : ids) {
      if (id.isBlank() || ".".equals(id) || "..".equals(id) || id.contains("/")) {
        throw new NodeException(
            ctx.nodeId() + ": '" + id + "' is not a valid identifier", "ValueError", null);
      }
      b.addPathSegment(id);
    }
    return b;
  }

  JsonNode get(HttpUrl.Builder url) throws NodeException {
    return json(new Request.Builder().url(url.build()).get());
  }

  JsonNode send(String method, HttpUrl.Builder url, Object body) throws NodeException {
    RequestBody rb =
        RequestBody.create(JsonValues.write(body == null ? java.util.Map.of() : body), JSON);
    return json(new Request.Builder().url(url.build()).method(method, rb));
  }

  JsonNode delete(HttpUrl.Builder url) throws NodeException {
    return json(new Request.Builder().url(url.build()).delete());
  }

  JsonNode send(Request.Builder request) throws NodeException {
    return json(request);
  }

  /** The raw bytes of a download ({@code alt=media}, export). */
  byte[] bytes(HttpUrl.Builder url) throws NodeException {
    try (Response response = execute(new Request.Builder().url(url.build()).get())) {
      byte[] data = response.body().bytes();
      if (!response.isSuccessful()) {
        throw refused(response.code(), new String(data, java.nio.charset.StandardCharsets.UTF_8));
      }
      return data;
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  private JsonNode json(Request.Builder request) throws NodeException {
    try (Response response = execute(request)) {
      String text = response.body().string();
      if (!response.isSuccessful()) {
        throw refused(response.code(), text);
      }
      if (text.isBlank()) {
        return JsonValues.MAPPER.createObjectNode(); // e.g. 204 after a delete
      }
      try {
        return JsonValues.MAPPER.readTree(text);
      } catch (IOException notJson) {
        throw new NodeException(
            ctx.nodeId() + ": " + label + " answered HTTP " + response.code() + " without JSON",
            label + "Error",
            null);
      }
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  private Response execute(Request.Builder request) throws IOException {
    Call call = ctx.http().newCall(request.header("Authorization", "Bearer " + token).build());
    Duration left = ctx.remaining();
    call.timeout().timeout(Math.max(1, Math.min(left.toMillis(), 60_000)), TimeUnit.MILLISECONDS);
    var onCancel = ctx.cancellation().onCancel(call::cancel);
    try {
      return call.execute();
    } finally {
      onCancel.close();
    }
  }

  private NodeException refused(int code, String text) {
    String why = "no message";
    try {
      JsonNode error = JsonValues.MAPPER.readTree(text).path("error");
      why = error.isTextual() ? error.asText() : error.path("message").asText(why);
    } catch (IOException | RuntimeException notJson) {
      // keep "no message": the body is not Google's error JSON
    }
    return new NodeException(
        ctx.nodeId() + ": " + label + " refused the call (HTTP " + code + "): " + why,
        label + "Error",
        null);
  }

  private NodeException unreachable(IOException e) {
    String why = ctx.cancellation().isCancelled() ? "cancelled" : e.getClass().getSimpleName();
    return new NodeException(
        ctx.nodeId() + ": cannot reach the " + label + " API (" + why + ")", label + "Error", null);
  }
}
