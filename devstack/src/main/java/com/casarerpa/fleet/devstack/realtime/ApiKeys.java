package com.casarerpa.fleet.devstack.realtime;

import com.casarerpa.fleet.devstack.gateway.ApiGateway;
import java.util.Map;

/**
 * The CLI gateway's key mapping for Realtime: the opaque {@code sb_publishable_…} and {@code
 * sb_secret_…} keys stand for the anon and service_role JWTs (with the demo secret only, see {@link
 * ApiGateway#opaqueAliases}); any other value is the token itself.
 */
final class ApiKeys {
  private final Map<String, String> opaque;

  ApiKeys(String anonKey, String serviceRoleKey) {
    this.opaque = ApiGateway.opaqueAliases(anonKey, serviceRoleKey);
  }

  /** The JWT {@code key} stands for; null stays null. */
  String jwtFor(String key) {
    return key == null ? null : opaque.getOrDefault(key, key);
  }
}
