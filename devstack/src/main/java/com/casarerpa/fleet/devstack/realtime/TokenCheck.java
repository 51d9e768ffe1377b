package com.casarerpa.fleet.devstack.realtime;

import com.casarerpa.fleet.devstack.auth.InvalidJwtException;
import com.casarerpa.fleet.devstack.auth.JwtCodec;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.Map;

/**
 * Checks a Realtime token as Supabase Realtime does: an HS256 JWT signed with the project secret,
 * with both {@code role} and a future {@code exp}. Failures carry Supabase's code and message.
 */
final class TokenCheck {
  private final JwtCodec jwt;
  private final InstantSource clock;

  TokenCheck(JwtCodec jwt, InstantSource clock) {
    this.jwt = jwt;
    this.clock = clock;
  }

  /** A verified token: its claims, role and expiry. */
  record Verified(String token, Map<String, Object> claims, String role, Instant expiry) {}

  /**
   * Why a token was refused.
   *
   * @param code Supabase's error code, e.g. {@code InvalidJWTToken}
   * @param message the text after the code, e.g. {@code Token has expired 12 seconds ago}
   * @param connectMessage the text of the refused upgrade's {@code {"error": …}} body
   */
  record Refusal(String code, String message, String connectMessage) {
    /** The join error reason, {@code "<Code>: <message>"}. */
    String reason() {
      return code + ": " + message;
    }
  }

  /** Thrown when a token is refused. */
  static final class RefusedException extends Exception {
    private final Refusal refusal;

    RefusedException(Refusal refusal) {
      super(refusal.reason());
      this.refusal = refusal;
    }

    Refusal refusal() {
      return refusal;
    }
  }

  Verified verify(String token) throws RefusedException {
    Map<String, Object> claims;
    try {
      claims = jwt.verify(token);
    } catch (InvalidJwtException e) {
      throw new RefusedException(refusal(e, token));
    }
    Object role = claims.get("role");
    Instant expiry = JwtCodec.expiry(claims);
    if (!(role instanceof String r) || r.isEmpty() || expiry == null) {
      throw new RefusedException(
          new Refusal(
              "InvalidJWTToken",
              "Fields `role` and `exp` are required in JWT",
              "Fields `role` and `exp` are required in JWT"));
    }
    return new Verified(token, claims, r, expiry);
  }

  /** The refusal for a token that expired while in use. */
  Refusal expired(Instant expiry) {
    long seconds = Math.max(0, Duration.between(expiry, clock.instant()).toSeconds());
    return new Refusal(
        "InvalidJWTToken", "Token has expired " + seconds + " seconds ago", "Token has expired");
  }

  private Refusal refusal(InvalidJwtException e, String token) {
    return switch (e.reason()) {
      case EXPIRED -> expired(unverifiedExpiry(token));
      case BAD_SIGNATURE ->
          new Refusal(
              "JwtSignatureError",
              "Failed to validate JWT signature",
              "Failed to validate JWT signature");
      case MALFORMED ->
          new Refusal(
              "MalformedJWT",
              "The token provided is not a valid JWT",
              "The token provided is not a valid JWT");
    };
  }

  /** The expiry of a token whose signature {@link JwtCodec} already accepted. */
  private Instant unverifiedExpiry(String token) {
    try {
      Date exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime();
      return exp == null ? clock.instant() : exp.toInstant();
    } catch (ParseException e) {
      return clock.instant();
    }
  }
}
