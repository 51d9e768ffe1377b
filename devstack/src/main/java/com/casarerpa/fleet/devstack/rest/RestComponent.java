package com.casarerpa.fleet.devstack.rest;

import com.casarerpa.fleet.devstack.StackComponent;
import com.casarerpa.fleet.devstack.StackContext;
import com.casarerpa.fleet.devstack.gateway.ApiGateway;
import com.casarerpa.fleet.devstack.gateway.Caller;
import com.casarerpa.fleet.devstack.gateway.GatewayRejection;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /rest/v1}: PostgREST semantics (v14) for the {@code public} schema behind Supabase's
 * gateway rules. See devstack/README.md for what is and is not supported.
 */
public final class RestComponent implements StackComponent {
  /** The one exposed schema, as in Supabase's default {@code db-schemas}. */
  public static final String SCHEMA = "public";

  /** Supabase's default {@code db-max-rows}. */
  public static final long MAX_ROWS = 1000;

  private static final String PREFIX = "/rest/v1";
  private static final List<HandlerType> METHODS =
      List.of(
          HandlerType.GET,
          HandlerType.HEAD,
          HandlerType.POST,
          HandlerType.PATCH,
          HandlerType.PUT,
          HandlerType.DELETE,
          HandlerType.OPTIONS);
  private static final Logger log = LoggerFactory.getLogger(RestComponent.class);

  private final ApiGateway gateway;
  private final ObjectMapper json;
  private final SchemaCache cache;
  private final SchemaReloadListener listener;
  private final TableEndpoint tables;
  private final RpcEndpoint rpc;

  public RestComponent(StackContext context) {
    this.gateway =
        new ApiGateway(context.jwt(), context.clock(), context.anonKey(), context.serviceRoleKey());
    this.json = context.json();
    this.cache = new SchemaCache(context.adminPool(), SCHEMA);
    this.listener = new SchemaReloadListener(context.database().superuserDataSource(), cache);
    RequestTransaction transaction =
        new RequestTransaction(context.apiPool(), RequestSettings.SEARCH_PATH, cache::roleSettings);
    RequestBodies bodies = new RequestBodies();
    CatalogCastTypes casts = new CatalogCastTypes(context.adminPool());
    this.tables = new TableEndpoint(cache, transaction, bodies, casts, MAX_ROWS);
    this.rpc = new RpcEndpoint(cache, transaction, bodies, casts, MAX_ROWS);
  }

  @Override
  public void configure(JavalinConfig config) {
    for (HandlerType method : METHODS) {
      config.routes.addHttpHandler(method, PREFIX + "/rpc/{name}", ctx -> serve(ctx, true));
      config.routes.addHttpHandler(method, PREFIX + "/{name}", ctx -> serve(ctx, false));
    }
    config.routes.get(PREFIX + "/", this::root);
    config.routes.get(PREFIX, this::root);
    for (HandlerType method : METHODS) {
      config.routes.addHttpHandler(method, PREFIX + "/<path>", this::invalidPath);
    }
  }

  @Override
  public void start() {
    cache.reload();
    listener.start();
  }

  @Override
  public void close() {
    listener.stop();
  }

  private void serve(Context ctx, boolean isRpc) {
    allowOrigin(ctx);
    if (ctx.method() == HandlerType.OPTIONS) {
      preflight(ctx, isRpc);
      return;
    }
    try {
      Caller caller = gateway.authenticate(ctx);
      refuseNul(ctx);
      checkProfile(ctx);
      String name = ctx.pathParam("name");
      RestRequest request = decode(ctx, caller, (isRpc ? "/rpc/" : "/") + name);
      String claims = json.writeValueAsString(caller.claims());
      RestResponse response =
          isRpc ? rpc.handle(request, name, claims) : tables.handle(request, name, claims);
      write(ctx, response);
    } catch (GatewayRejection rejection) {
      ApiGateway.respond(ctx, rejection, json);
    } catch (ApiError error) {
      writeError(ctx, error);
    } catch (JsonProcessingException | RuntimeException e) {
      log.warn("{} {} failed unexpectedly", ctx.method(), ctx.path(), e);
      writeError(
          ctx,
          new ApiError(500, "PGRSTX00", "Internal error in the local stack", e.toString(), null));
    }
  }

  /**
   * CORS: Supabase's gateway answers {@code *} (its keys are per project). This stack's keys are
   * the well-known demo ones by default, so {@code *} would let any web page a developer opens use
   * the local database as service_role. Only loopback origins (a dashboard on localhost) and those
   * listed in {@code -Ddevstack.cors-origins=https://a,https://b} ({@code *} restores Supabase's
   * behaviour) get {@code Access-Control-Allow-Origin}.
   */
  static boolean originAllowed(String origin, String configured) {
    if (origin == null || origin.isEmpty()) {
      return false;
    }
    if (configured != null) {
      for (String allowed : configured.split(",")) {
        String a = allowed.strip();
        if (a.equals("*") || a.equalsIgnoreCase(origin)) {
          return true;
        }
      }
    }
    try {
      java.net.URI uri = java.net.URI.create(origin);
      String host = uri.getHost();
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && host != null
          && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void allowOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    ctx.header("Vary", "Origin");
    if (originAllowed(origin, System.getProperty("devstack.cors-origins"))) {
      ctx.header("Access-Control-Allow-Origin", origin);
    }
  }

  /** A NUL byte cannot reach SQL text (it breaks the connection's protocol): 400 instead. */
  private static void refuseNul(Context ctx) {
    String query = ctx.queryString();
    if (query != null
        && (query.contains("%00")
            || ctx.queryParamMap().entrySet().stream()
                .anyMatch(
                    e ->
                        e.getKey().indexOf('\0') >= 0
                            || e.getValue().stream().anyMatch(v -> v.indexOf('\0') >= 0)))) {
      throw new ApiError(
          400,
          "PGRST100",
          "\"failed to parse query string\" (NUL character)",
          "the query string holds a NUL byte (%00)",
          "remove the NUL character from names, aliases and values");
    }
  }

  /**
   * CORS preflight and {@code OPTIONS}: answered without an API key, as Supabase's gateway does.
   */
  private static void preflight(Context ctx, boolean isRpc) {
    String allow = isRpc ? "OPTIONS,GET,HEAD,POST" : "OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE";
    ctx.status(200)
        .header("Allow", allow)
        .header("Access-Control-Allow-Methods", allow)
        .header(
            "Access-Control-Allow-Headers",
            "authorization, x-client-info, apikey, content-type, prefer, range, accept,"
                + " accept-profile, content-profile, x-robot-api-key")
        .header("Access-Control-Expose-Headers", "Content-Range, Content-Location, Location");
  }

  /**
   * {@code GET /rest/v1/}: a minimal OpenAPI 2.0 document naming the exposed tables, views and
   * functions (PostgREST serves a full one; clients use it to probe that the API answers).
   */
  private void root(Context ctx) throws JsonProcessingException {
    try {
      gateway.authenticate(ctx);
    } catch (GatewayRejection rejection) {
      ApiGateway.respond(ctx, rejection, json);
      return;
    }
    Map<String, Object> paths = new java.util.TreeMap<>();
    paths.put("/", Map.of());
    cache.relationNames().forEach(name -> paths.put("/" + name, Map.of()));
    cache.functionNames().forEach(name -> paths.put("/rpc/" + name, Map.of()));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("swagger", "2.0");
    doc.put(
        "info", Map.of("title", "CasareRPA local stack (PostgREST-compatible)", "version", "14"));
    doc.put("basePath", "/");
    doc.put("paths", paths);
    ctx.status(200)
        .contentType("application/openapi+json; charset=utf-8")
        .result(json.writeValueAsString(doc));
  }

  /** Any other path under {@code /rest/v1}: PostgREST's 404 {@code PGRST125}. */
  private void invalidPath(Context ctx) {
    writeError(
        ctx, new ApiError(404, "PGRST125", "Invalid path specified in request URL", null, null));
  }

  private static void checkProfile(Context ctx) {
    for (String header : List.of("Accept-Profile", "Content-Profile")) {
      String profile = ctx.header(header);
      if (profile != null && !profile.isBlank() && !profile.strip().equals(SCHEMA)) {
        throw new ApiError(
            406,
            "PGRST106",
            "Invalid schema: " + profile.strip(),
            null,
            "Only the following schemas are exposed: " + SCHEMA);
      }
    }
  }

  /**
   * The client address the database sees (the first {@code x-forwarded-for} entry, which {@code
   * request_client_ip()} records as a robot's IP): a client's own {@code X-Forwarded-For} and
   * {@code X-Real-IP} are believed only when the request comes from a proxy listed in {@code
   * -Ddevstack.trusted-proxies=ADDR,ADDR}; otherwise both are replaced by the socket's peer
   * address, as a gateway in front of PostgREST does.
   */
  static void forwardedFor(Map<String, String> headers, String peer, String trustedProxies) {
    boolean trusted =
        trustedProxies != null
            && Arrays.stream(trustedProxies.split(",")).map(String::strip).anyMatch(peer::equals);
    if (trusted) {
      String chain = headers.get("x-forwarded-for");
      headers.put("x-forwarded-for", chain == null || chain.isBlank() ? peer : chain + ", " + peer);
    } else {
      headers.remove("x-real-ip");
      headers.put("x-forwarded-for", peer);
    }
  }

  private RestRequest decode(Context ctx, Caller caller, String path)
      throws JsonProcessingException {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : Collections.list(ctx.req().getHeaderNames())) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!lower.equals("cookie")) {
        headers.put(lower, String.join(", ", Collections.list(ctx.req().getHeaders(name))));
      }
    }
    forwardedFor(
        headers, ctx.req().getRemoteAddr(), System.getProperty("devstack.trusted-proxies"));
    String accept = ctx.header("Accept");
    boolean singular = accept != null && accept.contains("application/vnd.pgrst.object+json");
    List<String> prefer =
        ctx.req().getHeaders("Prefer") == null
            ? List.of()
            : Collections.list(ctx.req().getHeaders("Prefer"));
    return new RestRequest(
        caller,
        ctx.method().name(),
        path,
        ctx.queryParamMap(),
        json.writeValueAsString(headers),
        json.writeValueAsString(ctx.cookieMap()),
        Prefer.parse(prefer),
        singular,
        ctx.header("Range"),
        ctx.body());
  }

  private static void write(Context ctx, RestResponse response) {
    ctx.status(response.status());
    response.headers().forEach(ctx::header);
    if (response.body() != null && ctx.method() != HandlerType.HEAD) {
      ctx.contentType(response.contentType()).result(response.body());
    }
  }

  private void writeError(Context ctx, ApiError error) {
    error.headers().forEach(ctx::header);
    ctx.header("Proxy-Status", "PostgREST; error=" + error.code());
    try {
      ctx.status(error.status())
          .contentType(RestResponse.JSON)
          .result(json.writeValueAsString(error.body()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode error body", e);
    }
  }
}
