package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One HTTP request with the original's config keys: {@code url}, {@code method}, {@code headers},
 * {@code params}, {@code body}, {@code content_type}, {@code timeout} (s, 30), {@code retry_count}
 * (0), {@code retry_delay} (s, 1), {@code follow_redirects} (true). Connection errors, 429 and 5xx
 * are retried; cancellation aborts the in-flight call; the call never outlives the node's or the
 * job's deadline. A status of 400 or more fails the node after setting the outputs.
 */
final class HttpCall {
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private HttpCall() {}

  static NodeResult execute(NodeContext ctx, String method, Path saveTo)
      throws NodeException, InterruptedException {
    Request request = request(ctx, method.toUpperCase(Locale.ROOT));
    OkHttpClient client = ctx.http();
    if (!ctx.flag("follow_redirects", true)) {
      client = client.newBuilder().followRedirects(false).build();
    }
    long retries = Math.max(0, ctx.integer("retry_count", 0));
    double delay = ctx.number("retry_delay", 1.0);
    Duration timeout = Duration.ofMillis((long) (ctx.number("timeout", 30) * 1000));
    for (long attempt = 0; ; attempt++) {
      String problem;
      try {
        Outcome o = once(ctx, client, request, timeout, saveTo);
        if (!(o.status == 429 || o.status >= 500) || attempt >= retries) {
          return finish(ctx, request, o);
        }
        problem = "HTTP " + o.status;
      } catch (IOException e) {
        if (ctx.cancellation().isCancelled() || attempt >= retries || ctx.remaining().isZero()) {
          throw new NodeException(
              ctx.nodeId()
                  + ": "
                  + request.method()
                  + " "
                  + request.url().redact()
                  + " failed: "
                  + e.getMessage(),
              "ConnectionError",
              e);
        }
        problem = e.toString();
      }
      ctx.log(
          LogLevel.WARNING,
          "attempt "
              + (attempt + 1)
              + " of "
              + (retries + 1)
              + " to "
              + request.url().redact()
              + " failed ("
              + problem
              + "); retrying");
      ctx.pause(Duration.ofMillis((long) (delay * 1000)));
    }
  }

  private record Outcome(int status, String body, Map<String, Object> headers) {}

  private static Outcome once(
      NodeContext ctx, OkHttpClient client, Request request, Duration timeout, Path saveTo)
      throws IOException {
    Call call = client.newCall(request);
    Duration limit = timeout.compareTo(ctx.remaining()) < 0 ? timeout : ctx.remaining();
    call.timeout().timeout(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS);
    CancellationToken token = ctx.cancellation();
    CancellationToken.Registration onCancel = token.onCancel(call::cancel);
    try (Response response = call.execute()) {
      Map<String, Object> headers = new LinkedHashMap<>();
      response.headers().forEach(h -> headers.put(h.getFirst(), h.getSecond()));
      String body = "";
      try (InputStream in = response.body().byteStream()) {
        if (saveTo != null && response.isSuccessful()) {
          FileActions.createParents(saveTo);
          Files.copy(in, saveTo, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
          byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
          if (bytes.length > MAX_BODY_BYTES) {
            throw new IOException("response body is larger than " + MAX_BODY_BYTES + " bytes");
          }
          MediaType type = response.body().contentType();
          body =
              new String(
                  bytes,
                  type != null && type.charset() != null ? type.charset() : StandardCharsets.UTF_8);
        }
      }
      return new Outcome(response.code(), body, headers);
    } finally {
      onCancel.close();
    }
  }

  private static NodeResult finish(NodeContext ctx, Request request, Outcome o)
      throws NodeException {
    ctx.output("status_code", (long) o.status);
    ctx.output("response_body", o.body);
    ctx.output("response_headers", o.headers);
    ctx.output("response_json", json(o.body));
    boolean ok = o.status < 400;
    ctx.output("success", ok);
    ctx.output("error", ok ? "" : "HTTP " + o.status);
    if (!ok) {
      throw new NodeException(
          ctx.nodeId()
              + ": "
              + request.method()
              + " "
              + request.url().redact()
              + " returned HTTP "
              + o.status,
          "HTTPError",
          null);
    }
    return NodeResult.next();
  }

  private static Object json(String body) {
    String b = body.strip();
    if (!(b.startsWith("{") || b.startsWith("["))) {
      return null;
    }
    try {
      return JsonValues.toValue(JsonValues.MAPPER.readTree(b));
    } catch (IOException notJson) {
      return null;
    }
  }

  private static Request request(NodeContext ctx, String method) throws NodeException {
    String url = ctx.string("url", "").strip();
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null) {
      throw new NodeException(
          ctx.nodeId() + ": url '" + url + "' is not an http(s) URL", "ValueError", null);
    }
    HttpUrl.Builder u = parsed.newBuilder();
    mapParam(ctx, "params").forEach((k, v) -> u.addQueryParameter(k, PythonText.str(v)));
    Request.Builder b = new Request.Builder().url(u.build());
    mapParam(ctx, "headers").forEach((k, v) -> b.header(k, PythonText.str(v)));
    b.method(method, body(ctx, method));
    return b.build();
  }

  private static RequestBody body(NodeContext ctx, String method) throws NodeException {
    if (method.equals("GET") || method.equals("HEAD")) {
      return null;
    }
    String filePath = ctx.string("upload_file_path", "");
    if (!filePath.isBlank()) {
      Path p = ctx.resolvePath(filePath);
      return new MultipartBody.Builder()
          .setType(MultipartBody.FORM)
          .addFormDataPart(
              ctx.string("file_field", "file"),
              p.getFileName().toString(),
              RequestBody.create(p.toFile(), MediaType.get("application/octet-stream")))
          .build();
    }
    Object body = ctx.param("body");
    MediaType type = MediaType.parse(ctx.string("content_type", "application/json"));
    String text = body == null ? "" : body instanceof String s ? s : JsonValues.write(body);
    return RequestBody.create(text, type);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapParam(NodeContext ctx, String key) throws NodeException {
    Object v = ctx.param(key);
    if (v == null || "".equals(v)) {
      return Map.of();
    }
    if (v instanceof String s) {
      v = DictNodes.parse(s, ctx.nodeId());
    }
    if (v instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new NodeException(
        ctx.nodeId() + ": " + key + " must be a dict, got " + PythonText.repr(v));
  }
}
