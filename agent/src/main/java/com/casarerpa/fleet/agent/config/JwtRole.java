package com.casarerpa.fleet.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;

/** Reads the {@code role} claim of a JWT without verifying it (the agent holds no secret). */
final class JwtRole {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JwtRole() {}

  static Optional<String> of(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      JsonNode role = claims.get("role");
      return role != null && role.isTextual() ? Optional.of(role.asText()) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
