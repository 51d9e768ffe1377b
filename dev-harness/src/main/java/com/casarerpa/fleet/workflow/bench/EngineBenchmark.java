package com.casarerpa.fleet.workflow.bench;

import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Engine overhead. (1) Throughput: a tight For loop whose body increments a variable and does a
 * templated MathOperation (4 node executions per pass), run for at least a million node executions;
 * prints node executions per second. (2) Memory: N jobs parked in a WaitNode after a 100-pass loop;
 * prints retained heap per running job. Appends a line to {@code results/bench-engine.txt}.
 *
 * <p>Usage: {@code EngineBenchmark [passes=500000] [rounds=5] [parkedJobs=500]}
 */
public final class EngineBenchmark {
  private EngineBenchmark() {}

  public static void main(String[] args) throws Exception {
    int passes = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int parked = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    Path work = Files.createTempDirectory("bench-engine");
    WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build();

    WorkflowDefinition loop = WorkflowDefinition.parse(loopWorkflow(passes, 0));
    long bestRate = 0;
    long executions = 0;
    long allocatedPerNode = 0;
    for (int round = 0; round <= rounds; round++) {
      Instant start = Instant.now();
      long bytes0 = allocatedBytes();
      long t0 = System.nanoTime();
      RunResult r =
          engine.run(
              loop, RunOptions.DEFAULTS.withWorkingDirectory(work), null, new CancellationToken());
      long nanos = System.nanoTime() - t0;
      check(r, RunStatus.COMPLETED);
      executions = r.executedNodes();
      allocatedPerNode = (allocatedBytes() - bytes0) / Math.max(1, executions);
      long rate = (long) (executions / (nanos / 1e9));
      System.out.printf(
          "round %d%s: %,d node executions in %d ms = %,d node executions/s, %d bytes allocated per node execution (started %s)%n",
          round,
          round == 0 ? " (warm-up)" : "",
          executions,
          nanos / 1_000_000,
          rate,
          allocatedPerNode,
          start);
      if (round > 0) {
        bestRate = Math.max(bestRate, rate);
      }
    }
    long perJob = parkedJobMemory(engine, work, parked);
    String line =
        String.format(
            "%s engine loop: %,d node executions/run, best %,d node executions/s, %d bytes allocated per node execution; %d parked jobs: %,d bytes heap per running job; cores=%d java=%s%n",
            Instant.now(),
            executions,
            bestRate,
            allocatedPerNode,
            parked,
            perJob,
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"));
    System.out.print(line);
    Path results = Path.of("results");
    Files.createDirectories(results);
    Files.writeString(
        results.resolve("bench-engine.txt"),
        line,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Starts {@code jobs} runs that park in a WaitNode; returns the retained heap per job. */
  private static long parkedJobMemory(WorkflowEngine engine, Path work, int jobs) throws Exception {
    WorkflowDefinition wf = WorkflowDefinition.parse(loopWorkflow(100, 3600));
    long before = usedHeapAfterGc();
    List<CancellationToken> tokens = new ArrayList<>();
    List<Future<RunResult>> runs = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < jobs; i++) {
        CancellationToken token = new CancellationToken();
        tokens.add(token);
        Path dir = Files.createDirectories(work.resolve("job-" + i));
        runs.add(
            threads.submit(
                () -> engine.run(wf, RunOptions.DEFAULTS.withWorkingDirectory(dir), null, token)));
      }
      Thread.sleep(Duration.ofSeconds(2));
      long after = usedHeapAfterGc();
      tokens.forEach(t -> t.cancel("benchmark done"));
      for (Future<RunResult> f : runs) {
        check(f.get(), RunStatus.CANCELLED);
      }
      return Math.max(0, (after - before) / jobs);
    }
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void check(RunResult r, RunStatus expected) {
    if (r.status() != expected) {
      throw new IllegalStateException(
          "benchmark run ended " + r.status() + ": " + r.errorMessage());
    }
  }

  /**
   * A For loop of {@code passes} over Increment + Math, then an optional Wait of {@code
   * waitSeconds}.
   */
  static String loopWorkflow(int passes, int waitSeconds) throws IOException {
    Map<String, Object> nodes = new java.util.LinkedHashMap<>();
    nodes.put(
        "loop",
        node("loop", "ForLoopStartNode", Map.of("mode", "range", "start", 0, "end", passes)));
    nodes.put(
        "inc",
        node("inc", "IncrementVariableNode", Map.of("variable_name", "counter", "increment", 1)));
    nodes.put(
        "math",
        node(
            "math",
            "MathOperationNode",
            Map.of("a", "{{counter}}", "b", "{{loop.current_index}}", "operation", "add")));
    nodes.put("end", node("end", "ForLoopEndNode", Map.of("paired_start_id", "loop")));
    nodes.put("wait", node("wait", "WaitNode", Map.of("duration", waitSeconds)));
    List<Object> conns =
        List.of(
            conn("loop", "body", "inc"),
            conn("inc", "exec_out", "math"),
            conn("math", "exec_out", "end"),
            conn("loop", "completed", "wait"));
    return com.casarerpa.fleet.workflow.model.JsonValues.write(
        Map.of("metadata", Map.of("name", "bench"), "nodes", nodes, "connections", conns));
  }

  private static Map<String, Object> node(String id, String type, Map<String, Object> config) {
    return Map.of("node_id", id, "node_type", type, "config", config);
  }

  private static Map<String, Object> conn(String from, String port, String to) {
    return Map.of(
        "source_node", from, "source_port", port, "target_node", to, "target_port", "exec_in");
  }
}
