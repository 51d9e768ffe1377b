package com.casarerpa.fleet.devstack.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.EphemeralStack;
import com.casarerpa.fleet.devstack.auth.DemoKeys;
import com.casarerpa.fleet.migrate.MigrationRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Malformed requests get PostgREST's answers, names never reach SQL unquoted, the server lives. */
class RestRobustnessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension
  static final EphemeralStack stack =
      EphemeralStack.perClass()
          .withSql(
              "robustness fixture",
              """
            CREATE TABLE public.robust (id int PRIMARY KEY, name text);
            GRANT SELECT, INSERT, UPDATE, DELETE ON public.robust TO anon, service_role;
            INSERT INTO public.robust VALUES (1, 'one'), (2, 'two');
            CREATE TABLE public.robust_link (
              id int PRIMARY KEY,
              a int REFERENCES public.robust (id),
              b int REFERENCES public.robust (id));
            GRANT SELECT ON public.robust_link TO service_role;
            INSERT INTO public.robust_link VALUES (10, 1, 2);
            CREATE FUNCTION public.robust_timeout() RETURNS text
            LANGUAGE sql STABLE AS $$ SELECT current_setting('statement_timeout') $$;
            CREATE FUNCTION public.robust_client_ip() RETURNS text
            LANGUAGE sql STABLE AS $$ SELECT host(public.request_client_ip()) $$;
            """);

  private static HttpResponse<String> send(
      String method, String pathAndQuery, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(stack.url() + pathAndQuery))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    b.header("apikey", headers.getOrDefault("apikey", DemoKeys.SERVICE_ROLE_KEY))
        .header("Content-Type", "application/json");
    headers = new java.util.HashMap<>(headers);
    headers.remove("apikey");
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return send("GET", pathAndQuery, null, Map.of());
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void assertError(HttpResponse<String> response, int status, String code)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("code").asText()).as(response.body()).isEqualTo(code);
    assertThat(body.has("message") && body.has("details") && body.has("hint")).isTrue();
  }

  @Test
  void malformed_filters_and_query_parameters_are_400_pgrst100() throws Exception {
    assertError(get("/rest/v1/robust?id=eqq.1"), 400, "PGRST100");
    assertError(get("/rest/v1/robust?id=1"), 400, "PGRST100");
    assertError(get("/rest/v1/robust?or=" + q("(id.eq.1")), 400, "PGRST100");
    assertError(get("/rest/v1/robust?id=in.1,2"), 400, "PGRST100");
    assertError(get("/rest/v1/robust?order=id.sideways"), 400, "PGRST100");
    assertError(get("/rest/v1/robust?limit=abc"), 400, "PGRST100");
    assertError(get("/rest/v1/robust?select=id,robots(*)"), 400, "PGRST200");
    assertError(get("/rest/v1/robust?id=eq.notanumber"), 400, "22P02");
    assertError(send("GET", "/rest/v1/robust", null, Map.of("Range", "5-1")), 416, "PGRST103");
  }

  @Test
  void malformed_bodies_are_400_pgrst102() throws Exception {
    assertError(send("POST", "/rest/v1/robust", "{bad json", Map.of()), 400, "PGRST102");
    assertError(send("POST", "/rest/v1/robust", "\"text\"", Map.of()), 400, "PGRST102");
    assertError(send("POST", "/rest/v1/robust", "[1,2]", Map.of()), 400, "PGRST102");
    assertError(send("POST", "/rest/v1/robust", "", Map.of()), 400, "PGRST102");
    assertError(send("PATCH", "/rest/v1/robust?id=eq.1", "[]", Map.of()), 400, "PGRST102");
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertError(send("POST", "/rest/v1/robust", deep, Map.of()), 400, "PGRST102");
  }

  @Test
  void sql_in_names_is_treated_as_an_unknown_name() throws Exception {
    assertError(get("/rest/v1/" + q("robust; DROP TABLE robust")), 404, "PGRST205");
    assertError(get("/rest/v1/robust?select=" + q("id); DROP TABLE robust; --")), 400, "PGRST100");
    assertError(get("/rest/v1/robust?select=" + q("id; DROP TABLE robust")), 400, "42703");
    assertError(get("/rest/v1/robust?" + q("id\" = 1 OR \"1") + "=eq.1"), 400, "42703");
    assertError(
        send("POST", "/rest/v1/robust", "{\"name\\\"); DROP TABLE robust; --\": 1}", Map.of()),
        400,
        "PGRST204");
    assertError(get("/rest/v1/robust?select=" + q("name::text; DROP TABLE robust")), 400, "42704");
    assertError(
        send("POST", "/rest/v1/rpc/" + q("now(); DROP TABLE robust; --"), "{}", Map.of()),
        404,
        "PGRST202");
    HttpResponse<String> rows = get("/rest/v1/robust?select=id&id=lt.1000&order=id");
    assertThat(rows.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(rows.body())).isEqualTo(JSON.readTree("[{\"id\":1},{\"id\":2}]"));
  }

  @Test
  void bad_tokens_and_roles_are_401_with_postgrest_codes() throws Exception {
    assertError(
        send("GET", "/rest/v1/robust", null, Map.of("Authorization", "Bearer x.y.z")),
        401,
        "PGRST301");
    String noSuchRole =
        stack
            .context()
            .jwt()
            .sign(Map.of("role", "nope", "exp", Instant.now().getEpochSecond() + 60));
    assertError(
        send("GET", "/rest/v1/robust", null, Map.of("Authorization", "Bearer " + noSuchRole)),
        401,
        "22023");
    String superuser =
        stack
            .context()
            .jwt()
            .sign(Map.of("role", "postgres", "exp", Instant.now().getEpochSecond() + 60));
    assertError(
        send("GET", "/rest/v1/robust", null, Map.of("Authorization", "Bearer " + superuser)),
        403,
        "42501");
  }

  @Test
  void singular_responses_and_unknown_schemas_follow_postgrest() throws Exception {
    Map<String, String> one = Map.of("Accept", "application/vnd.pgrst.object+json");
    HttpResponse<String> single = send("GET", "/rest/v1/robust?id=eq.1", null, one);
    assertThat(single.statusCode()).isEqualTo(200);
    assertThat(single.body()).isEqualTo("{\"id\":1,\"name\":\"one\"}");
    assertThat(single.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/vnd.pgrst.object+json");
    assertError(send("GET", "/rest/v1/robust", null, one), 406, "PGRST116");
    assertError(
        send("GET", "/rest/v1/robust", null, Map.of("Accept-Profile", "auth")), 406, "PGRST106");
    assertError(send("PATCH", "/rest/v1/rpc/robust_missing", "{}", Map.of()), 405, "PGRST101");
    assertError(get("/rest/v1/robust/1/extra"), 404, "PGRST125");
  }

  @Test
  void role_settings_such_as_the_anon_statement_timeout_apply_per_request() throws Exception {
    HttpResponse<String> anon =
        send("POST", "/rest/v1/rpc/robust_timeout", "{}", Map.of("apikey", DemoKeys.ANON_KEY));
    assertThat(anon.body()).isEqualTo("\"3s\"");
    HttpResponse<String> service = send("POST", "/rest/v1/rpc/robust_timeout", "{}", Map.of());
    assertThat(service.body()).isEqualTo("\"0\"");
  }

  @Test
  void the_api_root_answers_with_the_exposed_paths_behind_the_gateway() throws Exception {
    HttpResponse<String> root = get("/rest/v1/");
    assertThat(root.statusCode()).isEqualTo(200);
    JsonNode paths = JSON.readTree(root.body()).path("paths");
    assertThat(paths.has("/robust")).isTrue();
    assertThat(paths.has("/rpc/robust_timeout")).isTrue();
    HttpResponse<String> keyless =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(stack.url() + "/rest/v1/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(keyless.statusCode()).isEqualTo(401);
  }

  @Test
  void a_bulk_insert_larger_than_a_megabyte_is_accepted() throws Exception {
    StringBuilder body = new StringBuilder("[");
    String name = "n".repeat(10_000);
    for (int i = 0; i < 200; i++) {
      body.append(i == 0 ? "" : ",").append("{\"id\":").append(1000 + i);
      body.append(",\"name\":\"").append(name).append("\"}");
    }
    body.append("]");
    HttpResponse<String> insert =
        send("POST", "/rest/v1/robust", body.toString(), Map.of("Prefer", "count=exact"));
    assertThat(insert.statusCode()).as(insert.body()).isEqualTo(201);
    assertThat(insert.headers().firstValue("Content-Range")).contains("*/200");
  }

  @Test
  void two_relationships_to_one_table_need_a_hint_to_embed() throws Exception {
    assertError(get("/rest/v1/robust_link?select=id,robust(name)"), 300, "PGRST201");
    HttpResponse<String> hinted =
        get(
            "/rest/v1/robust_link?select=id,first:robust!a(name),second:robust!robust_link_b_fkey(name)");
    assertThat(hinted.statusCode()).as(hinted.body()).isEqualTo(200);
    assertThat(JSON.readTree(hinted.body()))
        .isEqualTo(
            JSON.readTree(
                "[{\"id\":10,\"first\":{\"name\":\"one\"},\"second\":{\"name\":\"two\"}}]"));
  }

  @Test
  void a_cors_preflight_needs_no_api_key() throws Exception {
    HttpResponse<String> preflight =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(stack.url() + "/rest/v1/robust"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
        .contains("apikey");
  }

  @Test
  void a_column_added_after_start_is_found_without_a_restart() throws Exception {
    new MigrationRunner(stack.context().adminPool())
        .execute("add column", "ALTER TABLE public.robust ADD COLUMN IF NOT EXISTS extra text");
    HttpResponse<String> response = get("/rest/v1/robust?select=id,extra&id=eq.1");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("[{\"id\":1,\"extra\":null}]");
  }

  @Test
  void a_burst_of_bad_requests_leaves_the_server_serving() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(stack.url() + "/rest/v1/robust?id=eqq." + i))
              .header("apikey", i % 3 == 0 ? "wrong" : DemoKeys.ANON_KEY);
      if (i % 3 == 1) {
        b.header("Authorization", "Bearer " + "e".repeat(i));
      }
      burst.add(HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : burst) {
      assertThat(f.get().statusCode()).isIn(400, 401);
    }
    HttpResponse<String> ok = get("/rest/v1/robust?select=id&id=eq.2");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("[{\"id\":2}]");
  }

  @Test
  void a_nul_byte_in_a_select_alias_is_a_400_and_the_pool_stays_healthy() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertError(get("/rest/v1/robust?select=" + q("na\u0000me:name")), 400, "PGRST100");
    }
    HttpResponse<String> after = get("/rest/v1/robust?select=id&order=id");
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    assertThat(JSON.readTree(after.body())).hasSize(2);
  }

  @Test
  void cors_is_granted_to_loopback_origins_only() throws Exception {
    HttpResponse<String> evil =
        send("GET", "/rest/v1/robust?select=id", null, Map.of("Origin", "https://evil.example"));
    assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    HttpResponse<String> local =
        send("GET", "/rest/v1/robust?select=id", null, Map.of("Origin", "http://localhost:3000"));
    assertThat(local.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("http://localhost:3000");
    HttpResponse<String> preflight =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(stack.url() + "/rest/v1/robust"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void a_client_cannot_choose_the_ip_address_the_database_records() throws Exception {
    HttpResponse<String> forged =
        send(
            "POST",
            "/rest/v1/rpc/robust_client_ip",
            "{}",
            Map.of("X-Forwarded-For", "203.0.113.7", "X-Real-IP", "198.51.100.9"));
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(200);
    assertThat(JSON.readTree(forged.body()).asText())
        .as("the socket's peer, not the client's header")
        .isIn("127.0.0.1", "::1");
  }

  @Test
  void a_trusted_proxy_s_forwarded_address_is_kept() {
    Map<String, String> headers = new java.util.HashMap<>(Map.of("x-forwarded-for", "203.0.113.7"));
    RestComponent.forwardedFor(headers, "10.0.0.5", "10.0.0.5, 10.0.0.6");
    assertThat(headers).containsEntry("x-forwarded-for", "203.0.113.7, 10.0.0.5");

    Map<String, String> direct =
        new java.util.HashMap<>(Map.of("x-forwarded-for", "203.0.113.7", "x-real-ip", "1.2.3.4"));
    RestComponent.forwardedFor(direct, "127.0.0.1", "10.0.0.5");
    assertThat(direct).containsEntry("x-forwarded-for", "127.0.0.1").doesNotContainKey("x-real-ip");
  }
}
