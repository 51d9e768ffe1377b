package com.casarerpa.fleet.devstack.gateway;

import com.casarerpa.fleet.devstack.auth.DemoKeys;
import com.casarerpa.fleet.devstack.auth.InvalidJwtException;
import com.casarerpa.fleet.devstack.auth.JwtCodec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Supabase's API gateway rules in front of {@code /rest/v1} and {@code /functions/v1}, with hosted
 * strictness:
 *
 * <ol>
 *   <li>an API key is required, as the {@code apikey} header or query parameter, and must be one of
 *       the project's keys (the anon or service_role JWT, or, with the demo secret only, the CLI's
 *       opaque {@code sb_publishable_…}/{@code sb_secret_…} aliases of them); otherwise 401 with
 *       the hosted body;
 *   <li>{@code Authorization: Bearer <jwt>} decides the role when present (unless it carries an
 *       opaque {@code sb_…} key); otherwise the API key's own JWT does;
 *   <li>the JWT is verified as PostgREST v14 does (HS256, 30 s clock skew on {@code exp}, {@code
 *       nbf}, {@code iat}); failures answer 401 {@code PGRST301}/{@code PGRST303} with {@code
 *       WWW-Authenticate}.
 * </ol>
 */
public final class ApiGateway {
  /** Clock skew PostgREST allows on {@code exp}, {@code nbf} and {@code iat}. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  /** The Supabase CLI's opaque local publishable key (maps to the anon key). */
  public static final String OPAQUE_PUBLISHABLE_KEY =
      "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH";

  /** The Supabase CLI's opaque local secret key (maps to the service_role key). */
  public static final String OPAQUE_SECRET_KEY = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";

  private final JwtCodec jwt;
  private final InstantSource clock;
  private final Map<String, String> apiKeys;

  /**
   * @param jwt verifies tokens with the project's secret
   * @param clock the time tokens are checked against
   * @param anonKey the project's anon key (a JWT)
   * @param serviceRoleKey the project's service_role key (a JWT)
   */
  public ApiGateway(JwtCodec jwt, InstantSource clock, String anonKey, String serviceRoleKey) {
    this.jwt = jwt;
    this.clock = clock;
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(anonKey, anonKey);
    keys.put(serviceRoleKey, serviceRoleKey);
    keys.putAll(opaqueAliases(anonKey, serviceRoleKey));
    this.apiKeys = Map.copyOf(keys);
  }

  /**
   * The CLI's well-known opaque keys and the JWTs they stand for: only with the well-known demo
   * keys. With a private JWT secret they are public knowledge that would open the service role, so
   * there are none (use the printed keys).
   */
  public static Map<String, String> opaqueAliases(String anonKey, String serviceRoleKey) {
    if (!DemoKeys.ANON_KEY.equals(anonKey) || !DemoKeys.SERVICE_ROLE_KEY.equals(serviceRoleKey)) {
      return Map.of();
    }
    return Map.of(OPAQUE_PUBLISHABLE_KEY, anonKey, OPAQUE_SECRET_KEY, serviceRoleKey);
  }

  /** Admits the request in {@code ctx} or throws the rejection to send. */
  public Caller authenticate(Context ctx) {
    String apiKey = ctx.header("apikey");
    if (apiKey == null || apiKey.isEmpty()) {
      apiKey = ctx.queryParam("apikey");
    }
    return authenticate(apiKey, ctx.header("Authorization"));
  }

  /**
   * Admits a request carrying {@code apiKey} (header or query parameter, may be null) and the raw
   * {@code Authorization} header (may be null).
   *
   * @throws GatewayRejection with Supabase's status and body when the request must be refused
   */
  public Caller authenticate(String apiKey, String authorization) {
    if (apiKey == null || apiKey.isEmpty()) {
      throw gatewayError(
          "No API key found in request", "No `apikey` request header or url param was found.");
    }
    String keyJwt = apiKeys.get(apiKey);
    if (keyJwt == null) {
      throw gatewayError(
          "Invalid API key", "Double check your Supabase `anon` or `service_role` API key.");
    }
    String bearer = bearerToken(authorization);
    if (bearer == null) {
      return Caller.fromClaims(verify(keyJwt));
    }
    if (bearer.startsWith("sb_") && apiKeys.containsKey(bearer)) {
      return Caller.fromClaims(verify(apiKeys.get(bearer)));
    }
    return Caller.fromClaims(verify(bearer));
  }

  /** Verifies {@code token} as PostgREST v14 does; the rejection carries its error code. */
  public Map<String, Object> verify(String token) {
    int parts = token.split("\\.", -1).length;
    if (parts != 3) {
      throw jwtError("PGRST301", "Expected 3 parts in JWT; got " + parts);
    }
    Map<String, Object> claims;
    try {
      claims = jwt.verify(token, CLOCK_SKEW);
    } catch (InvalidJwtException e) {
      throw switch (e.reason()) {
        case EXPIRED -> jwtError("PGRST303", "JWT expired");
        case BAD_SIGNATURE -> jwtError("PGRST301", "JWT cryptographic operation failed");
        case MALFORMED -> jwtError("PGRST301", "JWT cryptographic operation failed");
      };
    }
    Instant now = clock.instant();
    if (epoch(claims.get("nbf")) != null
        && epoch(claims.get("nbf")).isAfter(now.plus(CLOCK_SKEW))) {
      throw jwtError("PGRST303", "JWT not yet valid");
    }
    if (epoch(claims.get("iat")) != null
        && epoch(claims.get("iat")).isAfter(now.plus(CLOCK_SKEW))) {
      throw jwtError("PGRST303", "JWT issued at future");
    }
    return claims;
  }

  /** Writes {@code rejection} to {@code ctx} as JSON. */
  public static void respond(Context ctx, GatewayRejection rejection, ObjectMapper json) {
    rejection.headers().forEach(ctx::header);
    try {
      ctx.status(rejection.status())
          .contentType("application/json; charset=utf-8")
          .result(json.writeValueAsString(rejection.body()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode gateway error", e);
    }
  }

  private static String bearerToken(String authorization) {
    if (authorization == null) {
      return null;
    }
    String trimmed = authorization.trim();
    if (trimmed.length() > 7
        && trimmed.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return trimmed.substring(7).trim();
    }
    return null;
  }

  private static Instant epoch(Object value) {
    return value instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
  }

  private static GatewayRejection gatewayError(String message, String hint) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", message);
    body.put("hint", hint);
    return new GatewayRejection(401, body, Map.of());
  }

  private static GatewayRejection jwtError(String code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code);
    body.put("details", null);
    body.put("hint", null);
    body.put("message", message);
    return new GatewayRejection(
        401,
        body,
        Map.of(
            "WWW-Authenticate",
            "Bearer error=\"invalid_token\", error_description=\"" + message + "\""));
  }
}
