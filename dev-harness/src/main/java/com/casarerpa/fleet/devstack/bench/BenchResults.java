package com.casarerpa.fleet.devstack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;

/** Percentiles and the results file ({@code results/devstack-rest.txt} at the repository root). */
final class BenchResults {
  private BenchResults() {}

  static long percentile(long[] sortedNanos, double p) {
    int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))];
  }

  static String summary(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).average().orElse(0);
    return String.format(
        "mean=%.0fus p50=%dus p99=%dus max=%dus",
        mean / 1000,
        percentile(sorted, 50) / 1000,
        percentile(sorted, 99) / 1000,
        sorted[sorted.length - 1] / 1000);
  }

  /** Prints {@code line} and appends it, timestamped, to the results file. */
  static void record(String line) throws IOException {
    System.out.println(line);
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("mvnw"))) {
      root = root.getParent();
    }
    Path file = (root == null ? Path.of("") : root).resolve("results").resolve("devstack-rest.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        Instant.now() + " " + line + System.lineSeparator(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
