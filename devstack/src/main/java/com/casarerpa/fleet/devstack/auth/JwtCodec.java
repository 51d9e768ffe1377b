package com.casarerpa.fleet.devstack.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.Map;

/**
 * Signs and verifies HS256 JWTs with the project's JWT secret, as Supabase's gateway, PostgREST and
 * Realtime do.
 */
public final class JwtCodec {
  private final byte[] secret;
  private final InstantSource clock;

  public JwtCodec(String secret, InstantSource clock) {
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new IllegalArgumentException(
          "jwt secret must be at least 32 bytes (got "
              + (secret == null ? "none" : secret.length() + " characters")
              + "): pass a longer --jwt-secret");
    }
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  /** Signs {@code claims} (JSON-compatible values) with HS256. */
  public String sign(Map<String, Object> claims) {
    try {
      JWTClaimsSet.Builder set = new JWTClaimsSet.Builder();
      claims.forEach(set::claim);
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
              set.build());
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign JWT", e);
    }
  }

  /**
   * Verifies the signature and expiry and returns the claims.
   *
   * @throws InvalidJwtException with a message like Supabase's when the token is malformed, signed
   *     with another key or expired
   */
  public Map<String, Object> verify(String token) {
    return verify(token, Duration.ZERO);
  }

  /**
   * Like {@link #verify(String)}, accepting a token up to {@code leeway} past its expiry (PostgREST
   * allows 30 s of clock skew).
   */
  public Map<String, Object> verify(String token, Duration leeway) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidJwtException(InvalidJwtException.Reason.MALFORMED, "malformed JWT");
    }
    if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
      throw new InvalidJwtException(
          InvalidJwtException.Reason.BAD_SIGNATURE,
          "unsupported JWT algorithm " + jwt.getHeader().getAlgorithm());
    }
    try {
      if (!jwt.verify(new MACVerifier(secret))) {
        throw new InvalidJwtException(
            InvalidJwtException.Reason.BAD_SIGNATURE, "JWT signature does not match");
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      if (exp != null && !exp.toInstant().plus(leeway).isAfter(clock.instant())) {
        throw new InvalidJwtException(InvalidJwtException.Reason.EXPIRED, "JWT expired");
      }
      return claims.toJSONObject();
    } catch (JOSEException | ParseException e) {
      throw new InvalidJwtException(InvalidJwtException.Reason.MALFORMED, "malformed JWT");
    }
  }

  /** The expiry of an already verified token's claims, or null when it has none. */
  public static Instant expiry(Map<String, Object> claims) {
    Object exp = claims.get("exp");
    return exp instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
  }
}
