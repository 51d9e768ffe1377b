package com.casarerpa.fleet.devstack.gateway;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who a request runs as once the gateway has admitted it: the database role and the verified JWT
 * claims (with {@code role} filled in, as PostgREST sets {@code request.jwt.claims}).
 *
 * @param role the database role to impersonate ({@code anon}, {@code authenticated}, {@code
 *     service_role}, or whatever the token names)
 * @param claims the verified claims, never containing the raw token
 */
public record Caller(String role, Map<String, Object> claims) {
  /** The role PostgREST uses when a token has no {@code role} claim. */
  public static final String ANON_ROLE = "anon";

  public Caller {
    Objects.requireNonNull(role, "role");
    claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
  }

  /** A caller for verified {@code claims}; a missing or blank {@code role} claim means anon. */
  public static Caller fromClaims(Map<String, Object> claims) {
    Object role = claims.get("role");
    String resolved = role instanceof String s && !s.isBlank() ? s : ANON_ROLE;
    Map<String, Object> filled = new LinkedHashMap<>(claims);
    filled.put("role", resolved);
    return new Caller(resolved, filled);
  }

  public boolean isAnonymous() {
    return ANON_ROLE.equals(role);
  }

  /** The {@code sub} claim (a user id), or null. */
  public String subject() {
    return claims.get("sub") instanceof String s ? s : null;
  }
}
