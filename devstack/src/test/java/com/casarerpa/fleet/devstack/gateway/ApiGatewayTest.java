package com.casarerpa.fleet.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.casarerpa.fleet.devstack.auth.DemoKeys;
import com.casarerpa.fleet.devstack.auth.JwtCodec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiGatewayTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private final InstantSource clock = InstantSource.fixed(NOW);
  private final JwtCodec codec = new JwtCodec(DemoKeys.JWT_SECRET, clock);
  private final ApiGateway gateway =
      new ApiGateway(codec, clock, DemoKeys.ANON_KEY, DemoKeys.SERVICE_ROLE_KEY);

  private String token(Map<String, Object> claims) {
    return codec.sign(claims);
  }

  private GatewayRejection rejection(String apiKey, String authorization) {
    return catchThrowableOfType(
        GatewayRejection.class, () -> gateway.authenticate(apiKey, authorization));
  }

  @Test
  void a_missing_api_key_is_refused_with_the_hosted_body() {
    GatewayRejection r = rejection(null, null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body())
        .containsEntry("message", "No API key found in request")
        .containsEntry("hint", "No `apikey` request header or url param was found.");
  }

  @Test
  void an_unknown_api_key_is_refused_even_when_it_is_a_validly_signed_jwt() {
    String selfMade = token(Map.of("role", "service_role", "exp", NOW.getEpochSecond() + 60));
    GatewayRejection r = rejection(selfMade, null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).containsEntry("message", "Invalid API key");
  }

  @Test
  void the_api_key_alone_decides_the_role() {
    assertThat(gateway.authenticate(DemoKeys.ANON_KEY, null).role()).isEqualTo("anon");
    assertThat(gateway.authenticate(DemoKeys.SERVICE_ROLE_KEY, null).role())
        .isEqualTo("service_role");
    assertThat(gateway.authenticate(ApiGateway.OPAQUE_SECRET_KEY, null).role())
        .isEqualTo("service_role");
  }

  @Test
  void with_a_private_jwt_secret_the_well_known_opaque_keys_are_refused() {
    JwtCodec privateCodec = new JwtCodec("a-private-secret-of-at-least-thirty-two-bytes!", clock);
    Map<String, String> keys = DemoKeys.apiKeys(privateCodec);
    ApiGateway hardened =
        new ApiGateway(privateCodec, clock, keys.get("anon"), keys.get("service_role"));

    for (String wellKnown :
        new String[] {ApiGateway.OPAQUE_SECRET_KEY, ApiGateway.OPAQUE_PUBLISHABLE_KEY}) {
      GatewayRejection asKey =
          catchThrowableOfType(
              GatewayRejection.class, () -> hardened.authenticate(wellKnown, null));
      assertThat(asKey).as(wellKnown).isNotNull();
      assertThat(asKey.body()).containsEntry("message", "Invalid API key");
      GatewayRejection asBearer =
          catchThrowableOfType(
              GatewayRejection.class,
              () -> hardened.authenticate(keys.get("anon"), "Bearer " + wellKnown));
      assertThat(asBearer).as(wellKnown + " as bearer").isNotNull();
      assertThat(asBearer.status()).isEqualTo(401);
    }
    assertThat(hardened.authenticate(keys.get("service_role"), null).role())
        .isEqualTo("service_role");
  }

  @Test
  void a_bearer_user_token_takes_precedence_over_the_api_key() {
    String user =
        token(
            Map.of(
                "sub", "6b7c0000-0000-4000-8000-000000000001",
                "role", "authenticated",
                "exp", NOW.getEpochSecond() + 60));
    Caller caller = gateway.authenticate(DemoKeys.ANON_KEY, "bearer " + user);
    assertThat(caller.role()).isEqualTo("authenticated");
    assertThat(caller.subject()).isEqualTo("6b7c0000-0000-4000-8000-000000000001");
  }

  @Test
  void an_opaque_bearer_key_is_swapped_for_its_jwt() {
    Caller caller =
        gateway.authenticate(DemoKeys.ANON_KEY, "Bearer " + ApiGateway.OPAQUE_SECRET_KEY);
    assertThat(caller.role()).isEqualTo("service_role");
  }

  @Test
  void a_token_without_a_role_claim_runs_as_anon_with_the_role_filled_in() {
    Caller caller =
        gateway.authenticate(
            DemoKeys.ANON_KEY, "Bearer " + token(Map.of("exp", NOW.getEpochSecond() + 60)));
    assertThat(caller.role()).isEqualTo("anon");
    assertThat(caller.claims()).containsEntry("role", "anon");
  }

  @Test
  void expiry_allows_thirty_seconds_of_clock_skew_then_answers_pgrst303() {
    String justExpired = token(Map.of("role", "authenticated", "exp", NOW.getEpochSecond() - 20));
    assertThat(gateway.authenticate(DemoKeys.ANON_KEY, "Bearer " + justExpired).role())
        .isEqualTo("authenticated");

    String expired = token(Map.of("role", "authenticated", "exp", NOW.getEpochSecond() - 31));
    GatewayRejection r = rejection(DemoKeys.ANON_KEY, "Bearer " + expired);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).containsEntry("code", "PGRST303").containsEntry("message", "JWT expired");
    assertThat(r.headers().get("WWW-Authenticate"))
        .isEqualTo("Bearer error=\"invalid_token\", error_description=\"JWT expired\"");
  }

  @Test
  void tokens_from_the_future_are_refused() {
    long later = NOW.getEpochSecond() + 120;
    assertThat(rejection(DemoKeys.ANON_KEY, "Bearer " + token(Map.of("nbf", later))).body())
        .containsEntry("message", "JWT not yet valid");
    assertThat(rejection(DemoKeys.ANON_KEY, "Bearer " + token(Map.of("iat", later))).body())
        .containsEntry("message", "JWT issued at future");
  }

  @Test
  void malformed_and_forged_tokens_answer_pgrst301() {
    assertThat(rejection(DemoKeys.ANON_KEY, "Bearer garbage").body())
        .containsEntry("code", "PGRST301")
        .containsEntry("message", "Expected 3 parts in JWT; got 1");
    assertThat(rejection(DemoKeys.ANON_KEY, "Bearer a.b.c").body())
        .containsEntry("code", "PGRST301");
    String forged =
        new JwtCodec("another-secret-that-is-at-least-32-bytes-long", clock)
            .sign(Map.of("role", "service_role"));
    assertThat(rejection(DemoKeys.ANON_KEY, "Bearer " + forged).body())
        .containsEntry("code", "PGRST301")
        .containsEntry("message", "JWT cryptographic operation failed");
  }
}
