package com.casarerpa.fleet.devstack.functions;

import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;

/** Forwards one request (method, headers, body, path and query) to a function's Deno server. */
final class FunctionProxy {
  /** Headers that describe one hop and are not forwarded either way. */
  static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "http2-settings");

  /** Supabase's wall-clock limit for a function call. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(150);

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  HttpResponse<byte[]> forward(Context ctx, int port) throws IOException, InterruptedException {
    String path = ctx.path().substring("/functions/v1".length());
    String query = ctx.queryString();
    URI target = URI.create("http://127.0.0.1:" + port + path + (query == null ? "" : "?" + query));
    byte[] body = ctx.bodyAsBytes();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target)
            .timeout(CALL_TIMEOUT)
            .method(
                ctx.method().name(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (String name : Collections.list(ctx.req().getHeaderNames())) {
      if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
        for (String value : Collections.list(ctx.req().getHeaders(name))) {
          request.header(name, value);
        }
      }
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
