package com.casarerpa.fleet.devstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.EphemeralStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the official {@code @supabase/supabase-js} client ({@code src/test/js/*.test.js}, Node's
 * test runner) against a real local stack. The SQL files in {@code src/test/js/sql/} create the
 * tables the scripts use. Fails, never skips, when Node.js is missing.
 */
class SupabaseJsConformanceTest {
  private static final Path JS_DIR = Path.of("src", "test", "js");

  @RegisterExtension
  static final EphemeralStack stack =
      EphemeralStack.perClass().withSqlFiles(JS_DIR.resolve("sql"), name -> true);

  private static boolean nodeHasWebSocket() throws IOException, InterruptedException {
    Process probe;
    try {
      probe =
          new ProcessBuilder("node", "-e", "process.stdout.write(typeof WebSocket)")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "Node.js is required for the conformance suite: " + e.getMessage(), e);
    }
    String type = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    probe.waitFor(30, TimeUnit.SECONDS);
    return type.strip().equals("function");
  }

  @Test
  void supabase_js_scenarios_pass_against_the_local_stack() throws Exception {
    List<String> tests;
    try (Stream<Path> files = Files.list(JS_DIR)) {
      tests =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".test.js"))
              .sorted()
              .toList();
    }
    assertThat(tests).as("conformance scripts in %s", JS_DIR).isNotEmpty();
    // a hanging scenario fails after --test-timeout instead of hanging the build
    List<String> command =
        new ArrayList<>(List.of("node", "--test", "--test-reporter=spec", "--test-timeout=120000"));
    command.addAll(tests);
    Path log = Path.of("target", "supabase-js-conformance.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(JS_DIR.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("SUPABASE_URL", stack.url());
    pb.environment().put("SUPABASE_ANON_KEY", stack.anonKey());
    pb.environment().put("SUPABASE_SERVICE_KEY", stack.serviceRoleKey());
    pb.environment().put("DATABASE_URL", stack.databaseUrl());
    if (!nodeHasWebSocket()) {
      // supabase-js needs a global WebSocket; Node 20 has it behind this flag (22+ by default)
      pb.environment().merge("NODE_OPTIONS", "--experimental-websocket", (a, b) -> a + " " + b);
    }
    Process node;
    try {
      node = pb.start();
    } catch (IOException e) {
      throw new AssertionError(
          "Node.js is required for the conformance suite: " + e.getMessage(), e);
    }
    boolean finished = node.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(output);
    assertThat(finished).as("node finished within 10 minutes; output:%n%s", output).isTrue();
    assertThat(node.exitValue()).as("node --test exit code; output:%n%s", output).isZero();
  }
}
