package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.casarerpa.fleet.devstack.sim.FleetSimulator;
import com.casarerpa.fleet.devstack.sim.StackProcess;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code fleet} scenario: N simulated robots ({@link FleetSimulator}, each its own key, REST
 * heartbeats and claims, its own Realtime socket with presence) against the local stack in a child
 * process with a hosted plan's Realtime quotas. Reports heartbeat RPC p50/p99 (goal p99 &lt; 100
 * ms), robots in presence (goal: all), Realtime sockets open and refused for quota, claim calls and
 * jobs per second, and the stack's CPU and memory. Prints a table and writes {@code
 * bench-results/fleet-<UTC time>.json}.
 *
 * <pre>{@code
 * bin/bench-fleet [--robots 1000] [--realtime-plan unlimited|free|pro|team] [--seconds 60]
 *                 [--warmup 30] [--jobs-per-second 2] [--stack-heap 2g] [--poll S]
 * }</pre>
 */
public final class FleetBenchmark {
  /** The options of one run (see the class comment for the defaults). */
  public record Options(
      int robots,
      String plan,
      int seconds,
      int warmup,
      double jobsPerSecond,
      String stackHeap,
      int pollSeconds) {
    public static Options parse(String[] args) {
      Map<String, String> o = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("--")) {
          throw new IllegalArgumentException(
              "unexpected argument '" + a + "' (options: --name value)");
        }
        int eq = a.indexOf('=');
        if (eq > 0) {
          o.put(a.substring(2, eq), a.substring(eq + 1));
        } else if (i + 1 < args.length) {
          o.put(a.substring(2), args[++i]);
        } else {
          throw new IllegalArgumentException(a + " needs a value");
        }
      }
      Options options =
          new Options(
              Integer.parseInt(o.getOrDefault("robots", "1000")),
              o.getOrDefault("realtime-plan", "unlimited"),
              Integer.parseInt(o.getOrDefault("seconds", "60")),
              Integer.parseInt(o.getOrDefault("warmup", "30")),
              Double.parseDouble(o.getOrDefault("jobs-per-second", "2")),
              o.getOrDefault("stack-heap", "2g"),
              Integer.parseInt(o.getOrDefault("poll", "0")));
      o.keySet()
          .removeAll(
              java.util.Set.of(
                  "robots",
                  "realtime-plan",
                  "seconds",
                  "warmup",
                  "jobs-per-second",
                  "stack-heap",
                  "poll"));
      if (!o.isEmpty()) {
        throw new IllegalArgumentException("unknown option(s) " + o.keySet());
      }
      return options;
    }
  }

  private FleetBenchmark() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench-fleet: " + e.getMessage());
      System.err.println(
          "usage: bin/bench-fleet [--robots N] [--realtime-plan unlimited|free|pro|team]"
              + " [--seconds S] [--warmup S] [--jobs-per-second R] [--stack-heap 2g] [--poll S]");
      System.exit(2);
      return;
    }
    Map<String, Object> figures = run(options);
    Path file = write(options, figures);
    System.out.println("written to " + file);
    System.exit(0);
  }

  /** Runs the scenario and returns its figures by name (printed as a table on the way). */
  public static Map<String, Object> run(Options options) throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    System.out.printf(
        "fleet: %d robots, Realtime plan %s, %d s measured after %d s warm-up, %.1f jobs/s%n",
        options.robots(),
        options.plan(),
        options.seconds(),
        options.warmup(),
        options.jobsPerSecond());
    try (StackProcess stack = StackProcess.start(options.plan(), options.stackHeap())) {
      FleetSimulator.Settings settings = FleetSimulator.Settings.of(options.robots());
      try (FleetSimulator fleet =
          new FleetSimulator(stack.url(), stack.anonKey(), stack.serviceKey(), settings)) {
        FleetAdmin admin = fleet.admin();
        double budget = presenceBudget(options.plan());
        // what an operator of such a project sets (README, "How many robots per plan")
        admin.patch(
            "/rest/v1/fleet_settings?id=eq.true", Map.of("presence_budget_per_second", budget));
        if (options.pollSeconds() > 0) {
          // the fleet's claim poll (job_poll_interval_seconds, 5 s by default): what polling costs
          admin.patch(
              "/rest/v1/fleet_settings?id=eq.true",
              Map.of("job_poll_interval_seconds", options.pollSeconds()));
        }
        long began = System.nanoTime();
        fleet.start();
        f.put("start_seconds", (System.nanoTime() - began) / 1e9);
        f.put("provision_seconds", fleet.provisioning().toMillis() / 1000.0);
        f.put("register_seconds", fleet.registration().toMillis() / 1000.0);
        f.put("register_p50_ms", fleet.registerLatencies().percentileMillis(50));
        f.put("register_p99_ms", fleet.registerLatencies().percentileMillis(99));
        f.put("presence_budget_per_second", budget);
        UUID workflow =
            admin.upsertWorkflow(
                "fleet-bench",
                FleetAdmin.JSON.readTree(
                    "{\"metadata\":{\"name\":\"fleet-bench\"},\"nodes\":{\"start\":{\"node_id\":"
                        + "\"start\",\"node_type\":\"StartNode\",\"config\":{}}},\"connections\":[]}"));
        AtomicLong enqueued = new AtomicLong();
        Thread producer =
            Thread.ofVirtual()
                .name("fleet-producer")
                .start(() -> produce(admin, workflow, options.jobsPerSecond(), enqueued));
        try {
          Thread.sleep(Duration.ofSeconds(options.warmup()));
          fleet.heartbeatLatencies().reset();
          long claims0 = fleet.claimCalls();
          long done0 = fleet.completions();
          long hbFail0 = fleet.heartbeatFailures();
          long enq0 = enqueued.get();
          double cpu0 = stack.cpuSeconds();
          long t0 = System.nanoTime();
          Thread.sleep(Duration.ofSeconds(options.seconds()));
          double wall = (System.nanoTime() - t0) / 1e9;
          double cpu = stack.cpuSeconds() - cpu0;
          f.put("robots", options.robots());
          f.put("realtime_plan", options.plan());
          f.put("heartbeats", fleet.heartbeatLatencies().count());
          f.put("heartbeat_p50_ms", fleet.heartbeatLatencies().percentileMillis(50));
          f.put("heartbeat_p99_ms", fleet.heartbeatLatencies().percentileMillis(99));
          f.put("heartbeat_failures", fleet.heartbeatFailures() - hbFail0);
          f.put("in_presence", fleet.inPresence().size());
          f.put("presence_enabled_robots", fleet.presenceEnabled());
          f.put("online_by_heartbeat", onlineByHeartbeat(admin));
          f.put("realtime_connected", fleet.realtimeConnected());
          f.put("realtime_quota_refused_robots", fleet.quotaRefused());
          f.put("claim_calls_per_second", (fleet.claimCalls() - claims0) / wall);
          f.put("claim_failures", fleet.claimFailures());
          f.put("jobs_enqueued_per_second", (enqueued.get() - enq0) / wall);
          f.put("jobs_completed_per_second", (fleet.completions() - done0) / wall);
          f.put("stack_cpu_cores", cpu / wall);
          f.put("stack_jvm_rss_mib", stack.jvmRssMib());
          f.put("stack_total_pss_mib", stack.totalPssMib());
          f.put(
              "presence_spacing_seconds",
              fleet.robots().get(0).presenceSpacing().toMillis() / 1000.0);
          f.put(
              "load_average_1m",
              ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
          producer.interrupt();
        }
      }
    }
    table(f, options);
    return f;
  }

  /**
   * The {@code presence_budget_per_second} an operator sets for {@code plan}: 80 % of its presence
   * messages per second (README's table); without a plan the column's maximum (no quota).
   */
  static double presenceBudget(String plan) {
    return switch (plan.toLowerCase(Locale.ROOT)) {
      case "free" -> 16;
      case "pro" -> 40;
      case "team" -> 800;
      default -> 100_000;
    };
  }

  /** Robots whose row says online or busy with a heartbeat in the last 30 s. */
  private static long onlineByHeartbeat(FleetAdmin admin) throws IOException {
    String since = Instant.now().minusSeconds(30).toString();
    long count = 0;
    int page;
    do { // the REST API answers at most 1,000 rows at a time
      page =
          admin
              .get(
                  "/rest/v1/robots?select=robot_id&status=in.(online,busy)&last_heartbeat=gte."
                      + since
                      + "&order=robot_id&limit=1000&offset="
                      + count)
              .size();
      count += page;
    } while (page == 1000);
    return count;
  }

  private static void produce(FleetAdmin admin, UUID workflow, double perSecond, AtomicLong count) {
    if (perSecond <= 0) {
      return;
    }
    long periodNanos = (long) (1e9 / perSecond);
    long next = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        admin.enqueue(workflow);
        count.incrementAndGet();
        next += periodNanos;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(Duration.ofNanos(wait));
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        System.err.println("enqueue failed: " + e.getMessage());
      }
    }
  }

  private static void table(Map<String, Object> f, Options o) {
    System.out.println();
    row("robots (plan)", f.get("robots") + " (" + f.get("realtime_plan") + ")");
    row(
        "heartbeat RPC p50 / p99",
        fmt(f.get("heartbeat_p50_ms"))
            + " / "
            + fmt(f.get("heartbeat_p99_ms"))
            + " ms (goal p99 < 100 ms)");
    row("heartbeats measured / failed", f.get("heartbeats") + " / " + f.get("heartbeat_failures"));
    row("in robot-fleet presence", f.get("in_presence") + " of " + o.robots() + " (goal: all)");
    row(
        "robots tracking presence (budget " + fmt(f.get("presence_budget_per_second")) + "/s)",
        String.valueOf(f.get("presence_enabled_robots")));
    row("online by heartbeat (robots rows, 30 s)", String.valueOf(f.get("online_by_heartbeat")));
    row(
        "Realtime sockets open / refused for quota",
        f.get("realtime_connected") + " / " + f.get("realtime_quota_refused_robots"));
    row("presence spacing per robot", fmt(f.get("presence_spacing_seconds")) + " s");
    row("claim_jobs calls/s", fmt(f.get("claim_calls_per_second")));
    row(
        "jobs enqueued / completed per s",
        fmt(f.get("jobs_enqueued_per_second")) + " / " + fmt(f.get("jobs_completed_per_second")));
    row("stack CPU (JVM + PostgreSQL)", fmt(f.get("stack_cpu_cores")) + " cores");
    row(
        "stack memory: JVM RSS / all PSS",
        fmt(f.get("stack_jvm_rss_mib")) + " / " + fmt(f.get("stack_total_pss_mib")) + " MiB");
    row(
        "start: provision + register and connect",
        fmt(f.get("provision_seconds"))
            + " + "
            + fmt(f.get("register_seconds"))
            + " = "
            + fmt(f.get("start_seconds"))
            + " s");
    row(
        "robot_register p50 / p99 during start",
        fmt(f.get("register_p50_ms")) + " / " + fmt(f.get("register_p99_ms")) + " ms");
    row("load average (1 min) at the end", fmt(f.get("load_average_1m")));
  }

  private static void row(String what, String value) {
    System.out.printf("  %-42s %s%n", what, value);
  }

  private static String fmt(Object value) {
    return value instanceof Number n
        ? String.format(Locale.ROOT, "%.1f", n.doubleValue())
        : String.valueOf(value);
  }

  private static Path write(Options options, Map<String, Object> figures) throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("mvnw"))) {
      root = root.getParent();
    }
    Path dir = (root == null ? Path.of("") : root).resolve("bench-results");
    Files.createDirectories(dir);
    Instant now = Instant.now();
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now);
    ObjectNode json = FleetAdmin.JSON.createObjectNode();
    json.put("scenario", "fleet");
    json.put("date", now.toString());
    json.put("cpus", Runtime.getRuntime().availableProcessors());
    json.put("java", Runtime.version().toString());
    json.put(
        "command",
        "bin/bench-fleet --robots "
            + options.robots()
            + " --realtime-plan "
            + options.plan()
            + " --seconds "
            + options.seconds()
            + " --warmup "
            + options.warmup()
            + " --jobs-per-second "
            + options.jobsPerSecond());
    json.set("figures", FleetAdmin.JSON.valueToTree(figures));
    Path file = dir.resolve("fleet-" + stamp + ".json");
    Files.writeString(
        file, FleetAdmin.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    return file;
  }
}
