package com.casarerpa.fleet.devstack.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * {@code bin/bench <scenario> [--option value ...]}: the one entry point of the benchmarks. Finds
 * the scenario among those registered (see {@link BenchScenario}), runs it, prints its table and
 * writes {@code bench-results/<scenario>-<UTC time>.json} at the repository root: date, machine
 * (cores, memory, OS, JDK), load average before and after, the command, figures and goals.
 */
public final class Bench {
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private Bench() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    Map<String, BenchScenario> scenarios = scenarios();
    if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
      System.out.print(help(scenarios));
      return args.length == 0 ? 2 : 0;
    }
    BenchScenario scenario = scenarios.get(args[0]);
    if (scenario == null) {
      System.err.println(
          "bench: no scenario '" + args[0] + "'; known: " + String.join(", ", scenarios.keySet()));
      return 2;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      System.out.printf(
          "usage: bin/bench %s [options]%n%s%n%s",
          scenario.name(), scenario.summary(), indent(scenario.options()));
      return 0;
    }
    try {
      BenchRun run = new BenchRun(rest);
      Instant started = Instant.now();
      String loadBefore = loadAverage();
      System.out.printf(
          "bin/bench %s  (%s, load average %s)%n", scenario.name(), started, loadBefore);
      scenario.run(run);
      List<String> unread = run.unreadOptions();
      if (!unread.isEmpty()) {
        System.err.println(
            "bench: unknown option(s) --" + String.join(", --", unread) + " (see --help)");
        return 2;
      }
      Path file = write(scenario, args, run, started, loadBefore);
      run.notes().forEach(n -> System.out.println("  note: " + n));
      System.out.println("load average after: " + loadAverage() + "; wrote " + file);
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("bench " + scenario.name() + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("bench " + scenario.name() + " failed: " + e);
      e.printStackTrace();
      return 1;
    }
  }

  /** Every registered scenario by name (ServiceLoader: META-INF/services). */
  static Map<String, BenchScenario> scenarios() {
    Map<String, BenchScenario> byName = new TreeMap<>();
    for (BenchScenario scenario : ServiceLoader.load(BenchScenario.class)) {
      BenchScenario previous = byName.putIfAbsent(scenario.name(), scenario);
      if (previous != null) {
        throw new IllegalStateException(
            "two scenarios named "
                + scenario.name()
                + ": "
                + previous.getClass()
                + ", "
                + scenario.getClass());
      }
    }
    return byName;
  }

  static String help(Map<String, BenchScenario> scenarios) {
    StringBuilder text =
        new StringBuilder(
            "usage: bin/bench <scenario> [--option value ...]   (bin/bench <scenario> --help: its"
                + " options)\n"
                + "Runs one benchmark on an ephemeral local stack, prints a table and writes\n"
                + "bench-results/<scenario>-<UTC time>.json (machine, load average, command, figures).\n"
                + "Figures on a shared machine are only comparable within one run.\n\nscenarios:\n");
    scenarios.values().stream()
        .sorted(Comparator.comparing(BenchScenario::name))
        .forEach(s -> text.append(String.format("  %-11s %s%n", s.name(), s.summary())));
    return text.toString();
  }

  private static String indent(String options) {
    return options.isBlank() ? "" : "  " + options.strip().replace("\n", "\n  ") + "\n";
  }

  private static Path write(
      BenchScenario scenario, String[] args, BenchRun run, Instant started, String loadBefore)
      throws IOException {
    ObjectNode json = BenchRun.JSON.createObjectNode();
    json.put("scenario", scenario.name());
    json.put("started_at", started.toString());
    json.put("finished_at", Instant.now().toString());
    json.put("command", "bin/bench " + String.join(" ", args));
    json.set("machine", machine());
    json.putObject("load_average").put("before", loadBefore).put("after", loadAverage());
    json.set("figures", run.figures());
    json.set("goals", run.goals());
    ArrayNode table = json.putArray("table");
    for (String[] row : run.rows()) {
      table.addObject().put("what", row[0]).put("figure", row[1]).put("detail", row[2]);
    }
    ArrayNode notes = json.putArray("notes");
    run.notes().forEach(notes::add);
    Path dir = repositoryRoot().resolve("bench-results");
    Files.createDirectories(dir);
    Path file = dir.resolve(scenario.name() + "-" + FILE_TIME.format(started) + ".json");
    BenchRun.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
    return file;
  }

  static ObjectNode machine() {
    ObjectNode machine = BenchRun.JSON.createObjectNode();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("memory_bytes", totalMemory());
    cpuModel().ifPresent(m -> machine.put("cpu", m));
    machine.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    machine.put("jdk", System.getProperty("java.vm.vendor") + " " + Runtime.version());
    return machine;
  }

  private static long totalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }

  private static Optional<String> cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The 1, 5 and 15 minute load averages where the OS tells them (Linux), else "?". */
  public static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** The folder holding {@code mvnw} above the working directory, else the working directory. */
  static Path repositoryRoot() {
    Path root = Path.of("").toAbsolutePath();
    for (Path p = root; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("mvnw"))) {
        return p;
      }
    }
    return root;
  }

  /** Sorted copy's percentile (nearest rank). */
  public static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
