package com.casarerpa.fleet.devstack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Benchmarks and the dev harness never ship: opens the jars the engine, the agent and the stack
 * build (plain and shaded) and fails on any benchmark or dev-harness class, or JMH. Runs in this
 * module's {@code integration-test} phase, after those modules are packaged (see pom.xml).
 */
class ShippedJarsCheck {
  private static final List<String> BANNED_PREFIXES =
      List.of("org/openjdk/jmh/", "com/casarerpa/fleet/devstack/dev/");

  @ParameterizedTest
  @ValueSource(strings = {"workflow", "agent", "devstack"})
  void a_shipped_jar_holds_no_benchmark_or_dev_harness_class(String module) throws IOException {
    List<Path> jars = shippedJars(module);
    boolean shaded = !module.equals("workflow");
    assertThat(jars)
        .as(
            "the %s jars under %s; build them first (./mvnw -pl %s -am package)",
            module, targetOf(module).toAbsolutePath().normalize(), module)
        .hasSize(shaded ? 2 : 1);

    for (Path jar : jars) {
      assertThat(offending(jar)).as("benchmark or dev-harness classes in %s", jar).isEmpty();
    }
  }

  private static Path targetOf(String module) {
    return Path.of("..", module, "target");
  }

  /** {@code casare-<module>-<version>.jar} and, for shaded modules, its {@code -all} twin. */
  private static List<Path> shippedJars(String module) throws IOException {
    Path target = targetOf(module);
    if (!Files.isDirectory(target)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("casare-" + module + "-"))
          .filter(p -> p.getFileName().toString().endsWith(".jar"))
          .filter(p -> !p.getFileName().toString().endsWith("-tests.jar"))
          .filter(p -> !p.getFileName().toString().endsWith("-sources.jar"))
          .sorted()
          .toList();
    }
  }

  private static List<String> offending(Path jar) throws IOException {
    List<String> found = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      file.stream().map(e -> e.getName()).filter(ShippedJarsCheck::banned).forEach(found::add);
    }
    return found;
  }

  static boolean banned(String entry) {
    if (!entry.endsWith(".class")) {
      return false;
    }
    String simpleName = entry.substring(entry.lastIndexOf('/') + 1);
    return entry.startsWith("com/casarerpa/") && entry.contains("/bench/")
        || simpleName.contains("Benchmark")
        || BANNED_PREFIXES.stream().anyMatch(entry::startsWith);
  }
}
