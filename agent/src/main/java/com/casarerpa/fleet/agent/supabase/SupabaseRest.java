package com.casarerpa.fleet.agent.supabase;

import com.casarerpa.fleet.agent.config.Secrets;
import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.internal.Sleeper;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls PostgREST RPCs as this robot: {@code apikey} and {@code Authorization: Bearer} carry the
 * anon key, {@code x-robot-api-key} the robot key. Errors become precise exceptions (see {@link
 * SupabaseException}); transient failures are retried with full-jitter backoff per the call's
 * {@link RetryPolicy}; a 4xx other than 408/429 is never retried.
 */
public final class SupabaseRest {
  private static final Logger log = LoggerFactory.getLogger(SupabaseRest.class);
  private static final MediaType JSON = MediaType.get("application/json");
  static final String ROBOT_KEY_HEADER = "x-robot-api-key";

  private final OkHttpClient http;
  private final String baseUrl;
  private final String anonKey;
  private final String robotKey;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private volatile Instant lastServerDate;

  public SupabaseRest(OkHttpClient http, URI supabaseUrl, String anonKey, String robotKey) {
    this(http, supabaseUrl, anonKey, robotKey, InstantSource.system(), Sleeper.SYSTEM);
  }

  /** With the clock and sleeper that retries and deadlines use (tests drive both). */
  public SupabaseRest(
      OkHttpClient http,
      URI supabaseUrl,
      String anonKey,
      String robotKey,
      InstantSource clock,
      Sleeper sleeper) {
    this.http = http;
    this.baseUrl = supabaseUrl.toString();
    this.anonKey = anonKey;
    this.robotKey = robotKey;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** An HTTP client whose every call ends within {@code timeout}. */
  public static OkHttpClient httpClient(Duration timeout) {
    return httpClient(timeout, 1);
  }

  /**
   * An HTTP client whose every call ends within {@code timeout}, keeping enough idle connections
   * for {@code slots} job threads plus the claim, log, heartbeat and progress threads calling at
   * the same moment. OkHttp's default keeps 5: a robot running 10 jobs closed and re-opened
   * connections all the time (a TCP connect on the robot and an accept on the server per call).
   */
  public static OkHttpClient httpClient(Duration timeout, int slots) {
    return builder(timeout, slots).build();
  }

  /**
   * The client for {@code supabaseUrl}: as {@link #httpClient(Duration, int)}, and for a plain
   * {@code http://} URL (a local or LAN stack) without TLS, so that the JVM never loads the trust
   * store and TLS machinery it would not use (about 5 MiB of resident memory and a tenth of a
   * second at start, measured for the agent; BENCHMARKS.md).
   */
  public static OkHttpClient httpClient(Duration timeout, int slots, URI supabaseUrl) {
    OkHttpClient.Builder builder = builder(timeout, slots);
    if ("http".equalsIgnoreCase(supabaseUrl.getScheme())) {
      builder.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
    }
    return builder.build();
  }

  private static OkHttpClient.Builder builder(Duration timeout, int slots) {
    Duration connect =
        timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
    return new OkHttpClient.Builder()
        .connectionPool(new ConnectionPool(Math.max(5, slots + 4), 5, TimeUnit.MINUTES))
        .callTimeout(timeout)
        .connectTimeout(connect)
        .readTimeout(timeout)
        .writeTimeout(timeout)
        .retryOnConnectionFailure(false);
  }

  /**
   * {@code POST /rest/v1/rpc/<name>} with {@code params} as the JSON body.
   *
   * @return the response JSON; {@link NullNode} for 204
   */
  public JsonNode rpc(String name, Map<String, ?> params, RetryPolicy policy) {
    return rpc(name, params, policy, null);
  }

  /**
   * Like {@link #rpc(String, Map, RetryPolicy)}, but the call and its retries end within {@code
   * within} (the shutdown uses this to stay inside its budget).
   *
   * @throws BackendUnavailable when the time ran out first
   */
  public JsonNode rpc(String name, Map<String, ?> params, RetryPolicy policy, Duration within) {
    return call(name, body(params), policy, within);
  }

  /**
   * Like {@link #rpc(String, Map, RetryPolicy)} with a request body the caller already holds as
   * JSON text (UTF-8): sent as it is, not parsed (the log shipper concatenates journal lines).
   */
  public JsonNode rpcJson(String name, byte[] jsonBody, RetryPolicy policy) {
    return call(name, RequestBody.create(jsonBody, JSON), policy, null);
  }

  private JsonNode call(String name, RequestBody body, RetryPolicy policy, Duration within) {
    Instant end = within == null ? Instant.MAX : clock.instant().plus(within);
    Backoff backoff = new Backoff(policy.base(), policy.cap());
    SupabaseException last = null;
    for (int attempt = 0; attempt < policy.maxAttempts(); attempt++) {
      if (attempt > 0) {
        Duration wait = backoff.delay(attempt - 1);
        if (within != null && !clock.instant().plus(wait).isBefore(end)) {
          break;
        }
        pause(name, attempt, wait, last);
      }
      Duration left = within == null ? null : Duration.between(clock.instant(), end);
      if (left != null && (left.isNegative() || left.isZero())) {
        break;
      }
      try {
        return callOnce(name, body, left);
      } catch (BackendUnavailable e) {
        last = e;
      }
    }
    if (last == null) {
      throw new BackendUnavailable(
          "rpc " + name + ": no time left (" + within + ")", 0, null, null);
    }
    throw last;
  }

  private JsonNode callOnce(String name, RequestBody body, Duration timeout) {
    Request request = request("/rest/v1/rpc/" + name).post(body).build();
    okhttp3.Call call = http.newCall(request);
    if (timeout != null && timeout.compareTo(Duration.ofMillis(http.callTimeoutMillis())) < 0) {
      call.timeout()
          .timeout(Math.max(1, timeout.toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    try (Response response = call.execute()) {
      noteServerDate(response);
      String text = bodyText(response.body());
      if (response.isSuccessful()) {
        return response.code() == 204 || text.isEmpty() ? NullNode.instance : parse(text);
      }
      throw ErrorMapping.toException(name, response.code(), text, retryAfter(response));
    } catch (IOException e) {
      throw new BackendUnavailable(
          "rpc " + name + ": " + Secrets.scrub(e.toString(), anonKey, robotKey), 0, null, e);
    } catch (Exception e) {
      // OkHttp rethrows an interrupt while it connects as an undeclared InterruptedException
      // (a stop during registration): keep the interrupt and end the retries like a stop does
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new BackendUnavailable("rpc " + name + ": interrupted", 0, null, e);
      }
      throw e;
    }
  }

  /**
   * A GET of {@code /rest/v1/} to see whether the API answers at all; returns the HTTP status.
   *
   * @throws BackendUnavailable when nothing answers
   */
  public int probe() {
    Request request = request("/rest/v1/").get().build();
    try (Response response = http.newCall(request).execute()) {
      noteServerDate(response);
      return response.code();
    } catch (IOException e) {
      throw new BackendUnavailable("GET /rest/v1/: " + e, 0, null, e);
    }
  }

  /** The server's {@code Date} header of the last response, for clock-skew checks. */
  public Optional<Instant> lastServerDate() {
    return Optional.ofNullable(lastServerDate);
  }

  private Request.Builder request(String path) {
    return new Request.Builder()
        .url(baseUrl + path)
        .header("apikey", anonKey)
        .header("Authorization", "Bearer " + anonKey)
        .header(ROBOT_KEY_HEADER, robotKey)
        .header("Accept", "application/json");
  }

  private static RequestBody body(Map<String, ?> params) {
    try {
      return RequestBody.create(Json.MAPPER.writeValueAsBytes(params), JSON);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("rpc parameters are not JSON-serialisable", e);
    }
  }

  private static JsonNode parse(String text) throws IOException {
    return Json.MAPPER.readTree(text);
  }

  private static String bodyText(ResponseBody body) throws IOException {
    return body == null ? "" : body.string();
  }

  private void noteServerDate(Response response) {
    java.util.Date date = response.headers().getDate("Date");
    if (date != null) {
      lastServerDate = date.toInstant();
    }
  }

  private static Duration retryAfter(Response response) {
    String header = response.header("Retry-After");
    if (header == null) {
      return Duration.ZERO;
    }
    try {
      return Duration.ofSeconds(Math.min(60, Long.parseLong(header.strip())));
    } catch (NumberFormatException e) {
      return Duration.ZERO;
    }
  }

  private void pause(String name, int attempt, Duration jitter, SupabaseException last) {
    Duration wait = jitter;
    if (last instanceof BackendUnavailable b && b.getCause() instanceof RetryAfter r) {
      wait = wait.compareTo(r.wait) > 0 ? wait : r.wait;
    }
    log.debug("rpc {} attempt {} failed ({}); retrying in {} ms", name, attempt, last, wait);
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendUnavailable("rpc " + name + ": interrupted while retrying", 0, null, e);
    }
  }

  /** Carries a server's {@code Retry-After} inside a {@link BackendUnavailable}. */
  static final class RetryAfter extends Exception {
    final transient Duration wait;

    RetryAfter(Duration wait) {
      super("retry after " + wait, null, false, false);
      this.wait = wait;
    }
  }
}
