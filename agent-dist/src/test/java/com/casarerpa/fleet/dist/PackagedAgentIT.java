package com.casarerpa.fleet.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher, as a robot machine runs it: unpacked from the archives, started with a
 * settings file against the local stack, online, a job running, then SIGTERM: the job completes,
 * the robot goes offline and the agent exits 0 (agent/README.md: stopped on request). Once with a
 * Java from JAVA_HOME, once with the jlink runtime of the -linux-x64 archive and no usable Java on
 * the PATH.
 */
class PackagedAgentIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalStack stack;
  private static FleetAdmin admin;
  @TempDir Path dir;

  @BeforeAll
  static void startStack() throws IOException {
    stack = LocalStack.start(StackSettings.ephemeral());
    admin = new FleetAdmin(stack.url(), stack.serviceRoleKey());
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void the_launcher_of_the_bin_archive_runs_on_java_home_goes_online_and_drains_on_sigterm()
      throws Exception {
    Path home = Dist.unpack(Dist.archive("-bin.tar.gz"), dir.resolve("bin"));
    assertThat(home.resolve("runtime")).doesNotExist();

    runOnlineThenTerminate(home, Map.of("JAVA_HOME", System.getProperty("java.home")));
  }

  @Test
  void the_jlink_variant_needs_no_java_on_the_machine() throws Exception {
    Path home = Dist.unpack(Dist.archive("-linux-x64.tar.gz"), dir.resolve("x64"));
    String modules =
        Dist.run(List.of(home.resolve("runtime/bin/java").toString(), "--list-modules"))
            .assertOk()
            .output();
    // the listed modules and what they require (java.sql brings java.transaction.xa, ...)
    assertThat(modules.lines().map(m -> m.replaceFirst("@.*", "")))
        .contains(System.getProperty("jlink.modules").split(","))
        .doesNotContain("java.desktop", "jdk.compiler", "jdk.jshell");

    // no JAVA_HOME; the PATH's java (if any) is not used: the launcher takes runtime/
    runOnlineThenTerminate(home, Map.of("PATH", "/usr/bin:/bin"));
  }

  private void runOnlineThenTerminate(Path home, Map<String, String> env) throws Exception {
    FleetAdmin.Robot robot = admin.createRobot("packaged-" + UUID.randomUUID(), 1);
    Path settings = dir.resolve(robot.name() + ".env");
    Files.writeString(
        settings,
        String.join(
            "\n",
            "SUPABASE_URL=" + stack.url(),
            "SUPABASE_ANON_KEY=" + stack.anonKey(),
            "ROBOT_API_KEY=" + robot.key(),
            "ROBOT_DATA_DIR=" + dir.resolve(robot.name()),
            "ROBOT_OPS_PORT=0",
            "ROBOT_HEARTBEAT_INTERVAL=1s",
            ""));
    Path log = dir.resolve(robot.name() + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                home.resolve("bin/casare-agent").toString(), "run", "--config", settings.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("ROBOT_") || k.startsWith("SUPABASE_"));
    pb.environment().remove("JAVA_HOME");
    pb.environment().putAll(env);
    Process agent = pb.start();
    try {
      // online = /healthz says healthy: registered, Realtime wired, a heartbeat went through
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .failFast("the agent exited", () -> !agent.isAlive())
          .until(() -> healthy(log));
      assertThat(status(robot.id())).isEqualTo("online");
      UUID workflow =
          admin.upsertWorkflow(
              "drain-" + robot.name(), Workflows.linear("drain").waitSeconds(3).log("done").end());
      UUID job = admin.enqueue(workflow);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> jobStatus(job).equals("running"));

      agent.destroy(); // SIGTERM to the JVM: the launcher exec'd it, so it has the same pid

      assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as(output(log)).isTrue();
      assertThat(agent.exitValue()).as(output(log)).isZero();
      assertThat(jobStatus(job))
          .as("the running job finished during the drain")
          .isEqualTo("completed");
      assertThat(status(robot.id())).isEqualTo("offline");
      assertThat(output(log)).contains("received SIGTERM", "registered as robot " + robot.id());
    } finally {
      agent.destroyForcibly();
      System.out.println("--- packaged agent output ---\n" + output(log));
    }
  }

  private static final Pattern OPS =
      Pattern.compile("ops endpoints on (http://127\\.0\\.0\\.1:\\d+)/healthz");

  private static boolean healthy(Path log) {
    Matcher m = OPS.matcher(output(log));
    if (!m.find()) {
      return false;
    }
    try {
      HttpResponse<Void> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(m.group(1) + "/healthz")).build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String jobStatus(UUID job) throws IOException {
    return admin.jobs(List.of(job)).path(0).path("status").asText();
  }

  private static String status(UUID robotId) throws IOException {
    return admin
        .get("/rest/v1/robots?select=status&robot_id=eq." + robotId)
        .path(0)
        .path("status")
        .asText();
  }

  private static String output(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "<no output: " + e + ">";
    }
  }
}
