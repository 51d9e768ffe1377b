package com.casarerpa.fleet.operator.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Plain HTTP to a running console, as a browser would speak it (no redirects followed). */
final class ConsoleClient {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private String cookie;

  ConsoleClient(String url) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  String base() {
    return base;
  }

  HttpResponse<String> login(String token) throws IOException, InterruptedException {
    HttpResponse<String> r =
        send(
            request("/login")
                .header("Origin", base)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)));
    r.headers().firstValue("Set-Cookie").ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
    return r;
  }

  boolean loggedIn() {
    return cookie != null;
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return b;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(request(path).header("Accept", "text/html").GET());
  }

  HttpResponse<String> post(String path, String form, String origin, String csrf)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        request(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (origin != null) {
      b.header("Origin", origin);
    }
    if (csrf != null) {
      b.header(ConsoleAuth.CSRF_HEADER, csrf);
    }
    return send(b);
  }

  /** The page's CSRF token (its {@code csrf-token} meta tag). */
  String csrf() throws IOException, InterruptedException {
    Matcher m = CSRF.matcher(get("/fleet").body());
    if (!m.find()) {
      throw new IllegalStateException("no csrf-token on /fleet");
    }
    return m.group(1);
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
