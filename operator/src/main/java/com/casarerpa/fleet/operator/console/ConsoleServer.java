package com.casarerpa.fleet.operator.console;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.FleetApi;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's web server: Javalin on one address, pages rendered on the server from jte
 * templates, htmx in the browser asking for fragments when the SSE stream ({@code /events}) says a
 * part changed. The service key stays here; the browser holds only a session cookie.
 *
 * <p>Every route but {@code /login} and {@code /static/*} needs a session (else 401); every POST
 * needs the same origin (Origin, else Sec-Fetch-Site) and the session's CSRF token.
 */
public final class ConsoleServer implements AutoCloseable {
  static final long MAX_REQUEST_BYTES = 5L * 1024 * 1024;
  private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
  private static final Set<String> STATIC =
      Set.of(
          "console.css",
          "console.js",
          "vendor/htmx.min.js",
          "vendor/htmx-ext-sse.min.js",
          "vendor/htmx.LICENSE",
          "vendor/htmx-ext-sse.LICENSE",
          "vendor/VERSIONS");
  static final String SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

  private final ConsoleAuth auth;
  private final LiveEvents events;
  private final Pages pages;
  private final boolean loopback;
  private final Javalin http;
  private final String host;

  private ConsoleServer(String host, FleetApi api, String serviceKey, String loginSecret) {
    this.host = host;
    this.loopback = isLoopback(host);
    InstantSource clock = InstantSource.system();
    this.auth = new ConsoleAuth(loginSecret, clock);
    this.events = new LiveEvents(api, serviceKey);
    TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    this.pages = new Pages(new ConsoleReads(api, clock), api, events, templates);
    this.http =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.http.maxRequestSize = MAX_REQUEST_BYTES;
              // SSE must reach the browser event by event, never held in a compressor's buffer
              config.http.compressionStrategy = CompressionStrategy.NONE;
              config.routes.before(this::guard);
              config.routes.get("/static/<file>", this::staticFile);
              config.routes.get("/login", ctx -> pages.login(ctx, null));
              config.routes.post("/login", this::login);
              config.routes.post("/logout", this::logout);
              config.routes.sse("/events", events::add);
              pages.routes(config.routes);
              config.routes.exception(CliException.class, pages::failure);
            });
  }

  /**
   * Starts the console on {@code host:port} (0: any free port) against the project {@code api}
   * reaches; {@code loginSecret} is what the login form must be given.
   */
  public static ConsoleServer start(
      String host, int port, FleetApi api, String serviceKey, String loginSecret) {
    ConsoleServer server = new ConsoleServer(host, api, serviceKey, loginSecret);
    server.http.start(host, port);
    server.events.start();
    log.info("console at {}", server.url());
    return server;
  }

  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + http.port() + "/";
  }

  public int port() {
    return http.port();
  }

  /** Stops the server, Realtime and every browser stream; idempotent. */
  @Override
  public void close() {
    events.close();
    http.stop();
  }

  private void guard(Context ctx) {
    ctx.header("Content-Security-Policy", SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-store");
    if (loopback && !loopbackHost(ctx.header("Host"))) {
      // DNS rebinding: a page of another site resolving to 127.0.0.1 sends its own Host
      ctx.status(421).result("this console answers only to 127.0.0.1, localhost or [::1]");
      ctx.skipRemainingHandlers();
      return;
    }
    String path = ctx.path();
    boolean post = ctx.method().name().equals("POST");
    if (post && !sameOrigin(ctx)) {
      ctx.status(403).result("cross-origin request refused");
      ctx.skipRemainingHandlers();
      return;
    }
    if (path.equals("/login") || path.startsWith("/static/")) {
      return;
    }
    Optional<ConsoleAuth.Session> session = auth.find(ctx.cookie(ConsoleAuth.COOKIE));
    if (session.isEmpty()) {
      ctx.status(401);
      if (wantsPage(ctx)) {
        pages.login(ctx, null);
      } else {
        ctx.contentType("text/plain").result("401 Unauthorized: log in at /login");
      }
      ctx.skipRemainingHandlers();
      return;
    }
    if (post && !auth.csrfMatches(session.get(), csrfToken(ctx))) {
      ctx.status(403).result("missing or wrong CSRF token: reload the page and try again");
      ctx.skipRemainingHandlers();
      return;
    }
    ctx.attribute("session", session.get());
  }

  private static String csrfToken(Context ctx) {
    String header = ctx.header(ConsoleAuth.CSRF_HEADER);
    if (header != null) {
      return header;
    }
    String type = ctx.contentType();
    if (type != null
        && (type.startsWith("application/x-www-form-urlencoded")
            || type.startsWith("multipart/form-data"))) {
      return ctx.formParam(ConsoleAuth.CSRF_FIELD);
    }
    return null;
  }

  private static boolean wantsPage(Context ctx) {
    String accept = ctx.header("Accept");
    return ctx.method().name().equals("GET")
        && ctx.header("HX-Request") == null
        && accept != null
        && accept.contains("text/html");
  }

  private static boolean sameOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    String hostHeader = ctx.header("Host");
    if (origin != null && !origin.equals("null")) {
      return hostHeader != null && origin.equals("http://" + hostHeader);
    }
    return "same-origin".equals(ctx.header("Sec-Fetch-Site"));
  }

  private void login(Context ctx) {
    if (!auth.accepts(ctx.formParam("token"))) {
      log.warn("console login refused from {}", ctx.ip());
      ctx.status(401);
      pages.login(ctx, "That login token is not right. It was printed when the console started.");
      return;
    }
    ConsoleAuth.Session session = auth.open();
    ctx.header(
        "Set-Cookie",
        ConsoleAuth.COOKIE
            + "="
            + session.id()
            + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
            + ConsoleAuth.SESSION_TTL.toSeconds());
    ctx.redirect("/fleet", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    auth.close(ctx.cookie(ConsoleAuth.COOKIE));
    ctx.header(
        "Set-Cookie", ConsoleAuth.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void staticFile(Context ctx) throws IOException {
    String file = ctx.pathParam("file");
    if (!STATIC.contains(file)) {
      ctx.status(404).result("not found");
      return;
    }
    try (InputStream in = ConsoleServer.class.getResourceAsStream("/console/static/" + file)) {
      if (in == null) {
        ctx.status(404).result("not found");
        return;
      }
      ctx.header("Cache-Control", "max-age=3600");
      ctx.contentType(
          file.endsWith(".js")
              ? "text/javascript"
              : file.endsWith(".css") ? "text/css" : "text/plain");
      ctx.result(in.readAllBytes());
    }
  }

  static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  private static boolean loopbackHost(String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    String name =
        hostHeader.startsWith("[")
            ? hostHeader.substring(0, hostHeader.indexOf(']') + 1)
            : hostHeader.replaceFirst(":\\d+$", "");
    return name.equals("localhost") || name.startsWith("127.") || name.equals("[::1]");
  }

  static Map<String, Object> model(Object... pairs) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }

  static String render(TemplateEngine templates, String name, Map<String, Object> model) {
    StringOutput out = new StringOutput();
    templates.render(name, model, out);
    return out.toString();
  }
}
