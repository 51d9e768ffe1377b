package com.casarerpa.fleet.devstack.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The well-known {@code supabase start} demo secret and keys. Public knowledge: they make every
 * supabase-js example work against the local stack unchanged. Never use them for anything real.
 */
public final class DemoKeys {
  public static final String JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

  public static final String ANON_KEY =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";

  public static final String SERVICE_ROLE_KEY =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

  /** Expiry of the demo keys (about 2032-11-12). */
  public static final long DEMO_KEY_EXPIRY = 1983812996L;

  private DemoKeys() {}

  /** The anon and service_role API keys for {@code secret} (the demo ones for the demo secret). */
  public static Map<String, String> apiKeys(JwtCodec codec) {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("anon", codec.sign(claims("anon")));
    keys.put("service_role", codec.sign(claims("service_role")));
    return keys;
  }

  private static Map<String, Object> claims(String role) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", "supabase-demo");
    claims.put("role", role);
    claims.put("exp", DEMO_KEY_EXPIRY);
    return claims;
  }
}
