package com.casarerpa.fleet.devstack.functions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the Deno executable: the {@value #OVERRIDE_PROPERTY} system property (a path, or {@code
 * none} to disable functions), then {@code deno} on the {@code PATH}, then the binary the npm
 * package {@code deno} installs: under {@code .casare/deno} (where {@code bin/devstack} puts it) or
 * {@code devstack/src/test/js/node_modules} (the conformance suite's).
 */
public final class DenoLocator {
  /** System property naming the Deno executable to use ({@code none}: no Deno). */
  public static final String OVERRIDE_PROPERTY = "devstack.deno";

  private static final List<Path> NODE_MODULES =
      List.of(
          Path.of(".casare", "deno", "node_modules"),
          Path.of("devstack", "src", "test", "js", "node_modules"),
          Path.of("src", "test", "js", "node_modules"),
          Path.of("node_modules"));

  private DenoLocator() {}

  public static Optional<Path> locate() {
    String override = System.getProperty(OVERRIDE_PROPERTY);
    if (override != null && !override.isBlank()) {
      Path path = Path.of(override);
      return override.equals("none") || !Files.isExecutable(path)
          ? Optional.empty()
          : Optional.of(path);
    }
    return onPath().or(DenoLocator::inNodeModules);
  }

  private static Optional<Path> onPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      for (String name : List.of("deno", "deno.exe")) {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> inNodeModules() {
    for (Path modules : NODE_MODULES) {
      List<Path> candidates = new ArrayList<>();
      Path scoped = modules.resolve("@deno");
      if (Files.isDirectory(scoped)) {
        try (Stream<Path> platforms = Files.list(scoped)) {
          platforms.sorted().forEach(p -> candidates.add(p.resolve("deno")));
        } catch (IOException e) {
          // unreadable folder: fall through to the launcher
        }
      }
      candidates.add(modules.resolve(".bin").resolve("deno"));
      for (Path candidate : candidates) {
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate.toAbsolutePath());
        }
      }
    }
    return Optional.empty();
  }
}
