package com.casarerpa.fleet.operator.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.operator.Cli;
import com.casarerpa.fleet.operator.Env;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.TestStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's fences against the real local stack: no session, no data (401 on every route); a
 * wrong login token is refused; POSTs need the same origin and the CSRF token; the service key
 * never appears in any page, fragment, API answer or event stream.
 */
class ConsoleSecurityTest {
  static final String TOKEN = "a-test-login-token-0123456789";
  @TempDir static Path dir;
  static TestStack stack;
  static ConsoleServer console;
  static String jobId;
  static String robotId;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
    Cli cli = stack.cli();
    Cli.Result robot = cli.run("robots", "create", "sec-robot");
    assertThat(robot.code()).as(robot.toString()).isZero();
    Files.writeString(
        dir.resolve("sec.json"), Workflows.linear("sec-flow").log("hello").end().toString());
    assertThat(cli.run("workflows", "push", dir.resolve("sec.json").toString()).code()).isZero();
    Cli.Result job = cli.run("jobs", "enqueue", "--workflow", "sec-flow", "--json");
    jobId = FleetApi.JSON.readTree(job.out()).path("job_id").asText();
    FleetApi api = new FleetApi(stack.stack().url(), stack.stack().serviceRoleKey());
    robotId = api.get("robots?select=robot_id&name=eq.sec-robot").get(0).path("robot_id").asText();
    console = ConsoleServer.start("127.0.0.1", 0, api, stack.stack().serviceRoleKey(), TOKEN);
  }

  @AfterAll
  static void stop() {
    if (console != null) {
      console.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  static List<String> readRoutes() {
    return List.of(
        "/",
        "/fleet",
        "/fragments/fleet",
        "/queue",
        "/queue?status=queued&workflow=sec-flow",
        "/fragments/queue",
        "/jobs/" + jobId,
        "/fragments/jobs/" + jobId + "/status",
        "/fragments/jobs/" + jobId + "/logs?level=INFO&q=hello",
        "/workflows",
        "/keys",
        "/schedules",
        "/charts",
        "/charts?window=24h",
        "/api/fleet",
        "/api/queue",
        "/api/jobs/" + jobId);
  }

  static List<String> postRoutes() {
    return List.of(
        "/jobs",
        "/jobs/" + jobId + "/cancel",
        "/jobs/" + jobId + "/retry",
        "/robots/" + robotId + "/disable",
        "/robots/" + robotId + "/enable",
        "/workflows",
        "/keys",
        "/keys/" + robotId + "/revoke",
        "/schedules/" + robotId + "/enable",
        "/schedules/" + robotId + "/disable",
        "/logout");
  }

  @Test
  void every_route_without_a_session_answers_401() throws Exception {
    ConsoleClient anonymous = new ConsoleClient(console.url());
    for (String path : readRoutes()) {
      HttpResponse<String> r = anonymous.get(path);
      assertThat(r.statusCode()).as("GET " + path).isEqualTo(401);
      assertThat(r.body()).as("GET " + path).doesNotContain("sec-robot").doesNotContain(jobId);
    }
    for (String path : postRoutes()) {
      HttpResponse<String> r = anonymous.post(path, "x=1", anonymous.base(), null);
      assertThat(r.statusCode()).as("POST " + path).isEqualTo(401);
    }
    HttpResponse<String> events =
        anonymous.send(anonymous.request("/events").header("Accept", "text/event-stream").GET());
    assertThat(events.statusCode()).isEqualTo(401);
    // a browser gets the login form with the 401; the JSON API a plain 401
    assertThat(anonymous.get("/fleet").body()).contains("Login token");
    HttpResponse<String> api =
        anonymous.send(anonymous.request("/api/fleet").header("Accept", "application/json").GET());
    assertThat(api.statusCode()).isEqualTo(401);
    assertThat(api.body()).startsWith("401");
    // the login page and the static files are open (nothing of the fleet in them)
    assertThat(anonymous.get("/login").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/static/vendor/htmx.min.js").statusCode()).isEqualTo(200);
  }

  @Test
  void a_wrong_login_token_is_refused_and_the_right_one_opens_a_strict_session() throws Exception {
    ConsoleClient client = new ConsoleClient(console.url());
    HttpResponse<String> wrong = client.login("not-the-token");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(wrong.body()).contains("not right");
    assertThat(client.get("/fleet").statusCode()).isEqualTo(401);

    HttpResponse<String> right = client.login(TOKEN);
    assertThat(right.statusCode()).isEqualTo(303);
    String cookie = right.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
    assertThat(client.get("/fleet").statusCode()).isEqualTo(200);

    // a login posted from another site is refused before the token is looked at
    ConsoleClient other = new ConsoleClient(console.url());
    HttpResponse<String> crossSite =
        other.send(
            other
                .request("/login")
                .header("Origin", "http://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + TOKEN)));
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(crossSite.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void state_changes_need_the_same_origin_and_the_csrf_token() throws Exception {
    ConsoleClient client = new ConsoleClient(console.url());
    assertThat(client.login(TOKEN).statusCode()).isEqualTo(303);
    String csrf = client.csrf();
    String path = "/robots/" + robotId + "/disable";
    assertThat(client.post(path, "", client.base(), null).statusCode()).isEqualTo(403);
    assertThat(client.post(path, "", client.base(), "wrong").statusCode()).isEqualTo(403);
    assertThat(client.post(path, "", "http://evil.example", csrf).statusCode()).isEqualTo(403);
    assertThat(client.post(path, "", null, csrf).statusCode()).isEqualTo(403);
    FleetApi api = new FleetApi(stack.stack().url(), stack.stack().serviceRoleKey());
    assertThat(
            api.get("robots?select=status&robot_id=eq." + robotId).get(0).path("status").asText())
        .isNotEqualTo("maintenance");

    HttpResponse<String> ok = client.post(path, "_csrf=" + csrf, client.base(), null);
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(
            api.get("robots?select=status&robot_id=eq." + robotId).get(0).path("status").asText())
        .isEqualTo("maintenance");
    assertThat(client.post("/robots/" + robotId + "/enable", "", client.base(), csrf).statusCode())
        .isEqualTo(303);
    assertThat(
            api.get("robots?select=status&robot_id=eq." + robotId).get(0).path("status").asText())
        .isNotEqualTo("maintenance");
  }

  @Test
  void a_foreign_host_name_is_refused_on_loopback() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", console.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /login HTTP/1.1\r\nHost: evil.example:"
                  + console.port()
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(response).startsWith("HTTP/1.1 421");
    }
  }

  @Test
  void the_service_key_never_reaches_the_browser() throws Exception {
    String serviceKey = stack.stack().serviceRoleKey();
    ConsoleClient client = new ConsoleClient(console.url());
    assertThat(client.login(TOKEN).statusCode()).isEqualTo(303);
    String csrf = client.csrf();
    List<String> scanned = new ArrayList<>();
    for (String path : readRoutes()) {
      HttpResponse<String> r = client.get(path);
      assertThat(r.statusCode()).as("GET " + path).isIn(200, 303);
      assertNoKey(serviceKey, path, r);
      scanned.add(path);
    }
    // the action answers too, including failures that carry the API's messages
    List<Map.Entry<String, String>> posts =
        List.of(
            Map.entry("/jobs", "workflow=sec-flow&priority=5&variables=a%3D1"),
            Map.entry("/jobs", "workflow=no-such-workflow"),
            Map.entry("/jobs/" + jobId + "/retry", ""),
            Map.entry("/keys", "robot=sec-robot&name=scan"),
            Map.entry("/keys/" + robotId + "/revoke", ""));
    for (Map.Entry<String, String> post : posts) {
      HttpResponse<String> r = client.post(post.getKey(), post.getValue(), client.base(), csrf);
      assertNoKey(serviceKey, "POST " + post.getKey(), r);
      scanned.add("POST " + post.getKey());
    }
    for (String path : List.of("/static/console.js", "/static/console.css")) {
      assertNoKey(serviceKey, path, client.get(path));
    }
    // the event stream: its first bytes (the stream stays open)
    HttpResponse<InputStream> events =
        HttpClient.newHttpClient()
            .send(
                client.request("/events").header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(events.headers().firstValue("Content-Type").orElse(""))
        .contains("text/event-stream");
    try (InputStream in = events.body()) {
      byte[] first = new byte[64];
      int n = in.read(first);
      assertThat(new String(first, 0, Math.max(n, 0), StandardCharsets.UTF_8))
          .doesNotContain(serviceKey);
    }
    assertThat(scanned).hasSizeGreaterThan(20);
  }

  @Test
  void the_console_command_prints_its_url_and_token_and_stops_on_interrupt() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Env env =
        new Env(
            Map.of(),
            dir,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new BufferedReader(new StringReader("")),
            null);
    AtomicInteger code = new AtomicInteger(-1);
    Thread command =
        new Thread(
            () -> code.set(FleetMain.run(env, "console", "--port", "0")), "console-command-test");
    command.start();
    Pattern printed =
        Pattern.compile(
            "at (http://127\\.0\\.0\\.1:\\d+/)\\s+Login token \\(this run only\\): (\\S+)");
    await().atMost(Duration.ofSeconds(30)).until(() -> printed.matcher(out.toString()).find());
    Matcher m = printed.matcher(out.toString());
    assertThat(m.find()).isTrue();
    assertThat(out.toString()).doesNotContain(stack.stack().serviceRoleKey());
    ConsoleClient client = new ConsoleClient(m.group(1));
    assertThat(client.login("wrong").statusCode()).isEqualTo(401);
    assertThat(client.login(m.group(2)).statusCode()).isEqualTo(303);
    assertThat(client.get("/fleet").body()).contains("sec-robot");
    command.interrupt();
    command.join(20_000);
    assertThat(command.isAlive()).isFalse();
    assertThat(code.get()).as(err.toString()).isZero();
    assertThatThrownBy(() -> client.get("/fleet")).isInstanceOf(IOException.class);
  }

  @Test
  void bad_console_settings_are_refused_with_exit_2() {
    Cli cli = stack.cli();
    Cli.Result port = cli.run("console", "--port", "70000");
    assertThat(port.code()).isEqualTo(2);
    assertThat(port.err()).contains("--port must be 0..65535");
    Cli.Result password =
        cli.env(ConsoleCommand.PASSWORD_VARIABLE, "short").run("console", "--port", "0");
    assertThat(password.code()).isEqualTo(2);
    assertThat(password.err()).contains("CASARE_CONSOLE_PASSWORD must be at least 12");
  }

  private static void assertNoKey(String key, String what, HttpResponse<String> r) {
    assertThat(r.body()).as(what).doesNotContain(key);
    r.headers()
        .map()
        .forEach(
            (name, values) ->
                assertThat(values).as(what + " " + name).noneMatch(v -> v.contains(key)));
  }
}
