package com.casarerpa.fleet.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The operator's Supabase API client: PostgREST tables and RPCs with the service_role key, as any
 * operator tool calls them. Errors become {@link CliException}s that say what to do: 401/403 exit
 * with {@link CliException#AUTH}, anything else with {@link CliException#FAILURE}.
 */
public final class FleetApi {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String url;
  private final String key;

  public FleetApi(String url, String key) {
    this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.key = key;
  }

  public static FleetApi from(Settings settings) {
    return new FleetApi(settings.url(), settings.serviceKey());
  }

  public String url() {
    return url;
  }

  /** {@code POST /rest/v1/rpc/<name>} with named parameters. */
  public JsonNode rpc(String name, Object params) {
    return send(
        HttpRequest.newBuilder(URI.create(url + "/rest/v1/rpc/" + name))
            .POST(HttpRequest.BodyPublishers.ofString(JSON.valueToTree(params).toString())),
        Map.of());
  }

  /** {@code GET /rest/v1/<path>}; {@code path} is the table and its query. */
  public JsonNode get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url + "/rest/v1/" + path)).GET(), Map.of());
  }

  /** The exact row count of a filtered table ({@code Prefer: count=exact}, no rows read). */
  public long count(String tableAndFilter) {
    String sep = tableAndFilter.contains("?") ? "&" : "?";
    HttpResponse<String> response =
        exchange(
            HttpRequest.newBuilder(URI.create(url + "/rest/v1/" + tableAndFilter + sep + "limit=0"))
                .GET(),
            Map.of("Prefer", "count=exact"));
    String range = response.headers().firstValue("Content-Range").orElse("*/0");
    return Long.parseLong(range.substring(range.indexOf('/') + 1));
  }

  public JsonNode patch(String path, Object values) {
    return send(
        HttpRequest.newBuilder(URI.create(url + "/rest/v1/" + path))
            .method(
                "PATCH", HttpRequest.BodyPublishers.ofString(JSON.valueToTree(values).toString())),
        Map.of("Prefer", "return=representation"));
  }

  public JsonNode delete(String path) {
    return send(
        HttpRequest.newBuilder(URI.create(url + "/rest/v1/" + path)).DELETE(),
        Map.of("Prefer", "return=representation"));
  }

  /** A raw call to any path of the project (functions, the REST root) with this key. */
  public HttpResponse<String> raw(String method, String path, String body) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    return exchange(
        HttpRequest.newBuilder(URI.create(url + path)).method(method, publisher), Map.of());
  }

  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private JsonNode send(HttpRequest.Builder request, Map<String, String> headers) {
    HttpResponse<String> response = exchange(request, headers);
    String path = response.uri().getPath();
    if (response.statusCode() >= 300) {
      throw error(response.statusCode(), path, response.body());
    }
    try {
      return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw CliException.failure("unreadable answer from " + path + ": " + e.getMessage());
    }
  }

  private HttpResponse<String> exchange(HttpRequest.Builder request, Map<String, String> headers) {
    request
        .header("apikey", key)
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30));
    headers.forEach(request::header);
    HttpRequest built = request.build();
    try {
      return http.send(built, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw CliException.failure(
          "cannot reach " + url + " (is SUPABASE_URL right and the project up?)");
    } catch (IOException e) {
      throw CliException.failure(
          "request to " + built.uri().getPath() + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.failure("interrupted");
    }
  }

  /** PostgREST's {@code {code, message, hint}} as one line, with the exit code its status means. */
  static CliException error(int status, String path, String body) {
    String message = body;
    try {
      JsonNode json = JSON.readTree(body);
      if (json.hasNonNull("message")) {
        message = json.path("message").asText();
        if (json.hasNonNull("code")) {
          message = json.path("code").asText() + " " + message;
        }
        if (json.hasNonNull("hint")) {
          message += " (" + json.path("hint").asText() + ")";
        }
      }
    } catch (IOException ignored) {
      // not JSON: the raw body is the message
    }
    if (status == 401 || status == 403) {
      return new CliException(
          CliException.AUTH,
          "HTTP "
              + status
              + " from "
              + path
              + ": "
              + message
              + " — check SUPABASE_SERVICE_KEY (the project's service_role key)");
    }
    if (message.startsWith("PGRST205") || message.startsWith("PGRST202")) {
      message += " — is the fleet schema applied? run `casare-fleet setup migrate`";
    }
    return CliException.failure("HTTP " + status + " from " + path + ": " + message);
  }
}
