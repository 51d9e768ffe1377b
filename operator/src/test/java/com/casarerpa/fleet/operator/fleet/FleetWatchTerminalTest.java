package com.casarerpa.fleet.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.operator.Agents;
import com.casarerpa.fleet.operator.Cli;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.TestStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet watch} as a separate process: in a real terminal (tmux: send-keys, capture-pane),
 * and with stdout a pipe (plain lines).
 */
class FleetWatchTerminalTest {
  @TempDir static Path dir;
  static TestStack stack;
  static Cli cli;
  static Agent agent;
  static final String SOCKET = "casare-watch-test-" + ProcessHandle.current().pid();

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
    cli = stack.cli();
    Cli.Result created = cli.run("robots", "create", "watched-robot");
    assertThat(created.code()).as(created.toString()).isZero();
    agent =
        Agents.start(
            stack.stack().url(),
            stack.stack().anonKey(),
            created.out().strip(),
            "watched-robot",
            dir.resolve("agent"));
    Files.writeString(
        dir.resolve("hello.json"), Workflows.linear("hello").log("hi").end().toString());
    assertThat(cli.run("workflows", "push", dir.resolve("hello.json").toString()).code()).isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    if (hasTmux()) {
      tmux("kill-server");
    }
    if (agent != null) {
      agent.close(Duration.ofSeconds(20));
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static List<String> javaCommand(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("com.casarerpa.fleet.operator.FleetMain");
    command.add("--env-file");
    command.add(stack.envFile().toString());
    command.addAll(List.of(args));
    return command;
  }

  @Test
  void full_screen_in_tmux_updates_from_realtime_without_scrolling_and_quits_on_q()
      throws Exception {
    assumeTrue(hasTmux(), "tmux is not installed (.ci/run installs it)");
    Path script = dir.resolve("watch.sh");
    Path exit = dir.resolve("watch.exit");
    StringBuilder line = new StringBuilder("export TERM=screen-256color\n");
    for (String part : javaCommand("fleet", "watch")) {
      line.append(" '").append(part.replace("'", "'\\''")).append("'");
    }
    Files.writeString(script, line + "\necho $? > " + exit + "\n");
    tmux(
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        "watch",
        "-x",
        "150",
        "-y",
        "30",
        "bash " + script);
    tmux("set-option", "-t", "watch", "remain-on-exit", "on");

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(capture())
                    .contains("CasareRPA fleet")
                    .contains("realtime: live")
                    .contains("ROBOTS (1)")
                    .containsPattern("watched-robot +● online"));

    Cli.Result job =
        cli.run("jobs", "enqueue", "--workflow", "hello", "--wait", "--wait-timeout", "2m");
    assertThat(job.code()).as(job.toString()).isZero();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(capture()).contains("completed 1"));

    String withHistory = tmux("capture-pane", "-p", "-S", "-500", "-t", "watch");
    assertThat(withHistory.split("CasareRPA fleet", -1))
        .as("one frame on the screen, redrawn in place (nothing scrolled)")
        .hasSize(2);

    tmux("send-keys", "-t", "watch", "q");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(exit).as("fleet watch exited with 0").hasContent("0"));
    assertThat(capture()).as("the normal screen is back").doesNotContain("ROBOTS (");
  }

  @Test
  void not_on_a_terminal_it_prints_plain_lines() throws Exception {
    Process p =
        new ProcessBuilder(javaCommand("fleet", "watch", "--refresh", "1s"))
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> readLine(out));
      String line = first.get(60, TimeUnit.SECONDS);
      assertThat(line)
          .matches("\\d\\d:\\d\\d:\\d\\d robots: .*")
          .contains("watched-robot=")
          .contains("| queue: pending=");
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void once_prints_one_snapshot() {
    Cli.Result result = cli.run("fleet", "watch", "--once");
    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("ROBOTS (1)")
        .contains("watched-robot")
        .contains("QUEUE")
        .contains("RECENT FAILURES");
  }

  @Test
  void with_presence_off_for_the_fleet_robots_show_from_their_rows() {
    FleetApi api = new FleetApi(stack.stack().url(), stack.stack().serviceRoleKey());
    api.patch("fleet_settings?id=eq.true", java.util.Map.of("presence_mode", "off"));
    try {
      Cli.Result result = cli.run("fleet", "watch", "--once");
      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(result.out())
          .contains("presence is off (fleet_settings.presence_mode = 'off') (presence from rows)")
          .containsPattern("watched-robot +● online +(online|busy)");
    } finally {
      api.patch("fleet_settings?id=eq.true", java.util.Map.of("presence_mode", "auto"));
    }
  }

  private static String readLine(BufferedReader in) {
    try {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.startsWith("(") && !line.isBlank()) {
          return line;
        }
      }
      return "";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String capture() throws Exception {
    return tmux("capture-pane", "-p", "-t", "watch");
  }

  static boolean hasTmux() {
    try {
      return new ProcessBuilder("tmux", "-V").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String tmux(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", SOCKET));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }
}
