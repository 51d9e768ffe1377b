package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.realtime.RealtimeSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * Realtime fan-out: one publisher broadcasts on a topic joined by N subscribers (vsn 1.0.0, OkHttp,
 * as the Java agent connects), all in this JVM against a local stack on loopback. Two phases: a
 * paced one (latency at a steady rate) and a flood (throughput). Prints delivery latency p50/p99
 * and deliveries per second, and appends them to {@code results/realtime-fanout.txt}.
 *
 * <p>Run from the repository root: {@code java -cp dev-harness/target/casare-dev-harness-*-all.jar
 * com.casarerpa.fleet.devstack.bench.RealtimeFanoutBenchmark [100 1000 200 3000]} (subscribers,
 * paced messages, paced rate per second, flood messages).
 */
public final class RealtimeFanoutBenchmark {
  private static final String TOPIC = "realtime:bench";

  private RealtimeFanoutBenchmark() {}

  public static void main(String[] args) throws Exception {
    int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int paced = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int ratePerSecond = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int flood = args.length > 3 ? Integer.parseInt(args[3]) : 3000;
    // the benchmark measures the server, not its tenant limits
    System.setProperty(RealtimeSettings.PROPERTY_PREFIX + "max-events-per-second", "1000000000");
    System.setProperty(RealtimeSettings.PROPERTY_PREFIX + "max-concurrent-users", "10000");
    System.setProperty(RealtimeSettings.PROPERTY_PREFIX + "max-pending-frames", "1000000");
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(10_000);
    dispatcher.setMaxRequestsPerHost(10_000);
    OkHttpClient client = new OkHttpClient.Builder().dispatcher(dispatcher).build();
    try (LocalStack stack = LocalStack.start(StackSettings.ephemeral())) {
      String url =
          stack.url().replaceFirst("^http", "ws")
              + "/realtime/v1/websocket?vsn=1.0.0&apikey="
              + stack.anonKey();
      Recorder recorder = new Recorder(subscribers * (long) Math.max(paced, flood));
      CountDownLatch joined = new CountDownLatch(subscribers + 1);
      for (int i = 0; i < subscribers; i++) {
        open(client, url, joined, recorder);
      }
      WebSocket publisher = open(client, url, joined, null);
      if (!joined.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("subscribers did not join within 60 s");
      }
      Phase slow = run(publisher, recorder, subscribers, paced, ratePerSecond);
      Phase fast = run(publisher, recorder, subscribers, flood, 0);
      String line =
          String.format(
              "%s realtime-fanout subscribers=%d paced: %d msgs at %d/s -> p50=%.2fms p99=%.2fms"
                  + " max=%.2fms delivered=%d/%d | flood: %d msgs -> %.0f deliveries/s (%.0f"
                  + " publishes/s) p50=%.2fms p99=%.2fms delivered=%d/%d cpus=%d",
              Instant.now(),
              subscribers,
              paced,
              ratePerSecond,
              slow.p50,
              slow.p99,
              slow.max,
              slow.delivered,
              slow.expected,
              flood,
              fast.deliveriesPerSecond,
              fast.deliveriesPerSecond / subscribers,
              fast.p50,
              fast.p99,
              fast.delivered,
              fast.expected,
              Runtime.getRuntime().availableProcessors());
      System.out.println(line);
      append(line);
      publisher.close(1000, null);
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
    System.exit(0);
  }

  private record Phase(
      double p50,
      double p99,
      double max,
      long delivered,
      long expected,
      double deliveriesPerSecond) {}

  private static Phase run(
      WebSocket publisher, Recorder recorder, int subscribers, int messages, int ratePerSecond)
      throws InterruptedException {
    recorder.reset();
    long expected = (long) subscribers * messages;
    long start = System.nanoTime();
    long intervalNanos = ratePerSecond <= 0 ? 0 : 1_000_000_000L / ratePerSecond;
    for (int seq = 0; seq < messages; seq++) {
      if (intervalNanos > 0) {
        long due = start + seq * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      publisher.send(
          "{\"topic\":\""
              + TOPIC
              + "\",\"event\":\"broadcast\",\"ref\":null,\"payload\":{\"type\":\"broadcast\","
              + "\"event\":\"tick\",\"payload\":{\"seq\":"
              + seq
              + ",\"t\":"
              + System.nanoTime()
              + "}}}");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (recorder.count() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long elapsed = recorder.lastNanos() - start;
    long[] latencies = recorder.snapshot();
    Arrays.sort(latencies);
    return new Phase(
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6,
        latencies.length,
        expected,
        latencies.length / (elapsed / 1e9));
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
  }

  private static WebSocket open(
      OkHttpClient client, String url, CountDownLatch joined, Recorder recorder) {
    return client.newWebSocket(
        new Request.Builder().url(url).build(),
        new WebSocketListener() {
          @Override
          public void onOpen(WebSocket ws, okhttp3.Response response) {
            ws.send(
                "{\"topic\":\""
                    + TOPIC
                    + "\",\"event\":\"phx_join\",\"ref\":\"1\",\"join_ref\":\"1\",\"payload\":"
                    + "{\"config\":{\"broadcast\":{\"self\":false,\"ack\":false}}}}");
          }

          @Override
          public void onMessage(WebSocket ws, String text) {
            if (text.contains("\"phx_reply\"")) {
              joined.countDown();
            } else if (recorder != null && text.contains("\"tick\"")) {
              int at = text.indexOf("\"t\":") + 4;
              int end = at;
              while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
              }
              recorder.record(System.nanoTime() - Long.parseLong(text.substring(at, end)));
            }
          }
        });
  }

  /** Latencies of one phase, recorded from the subscribers' reader threads. */
  private static final class Recorder {
    private final long[] latencies;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong last = new AtomicLong();

    Recorder(long capacity) {
      this.latencies = new long[(int) capacity];
    }

    void record(long nanos) {
      int i = count.getAndIncrement();
      if (i < latencies.length) {
        latencies[i] = nanos;
      }
      last.set(System.nanoTime());
    }

    void reset() {
      count.set(0);
    }

    long count() {
      return count.get();
    }

    long lastNanos() {
      return last.get();
    }

    long[] snapshot() {
      return Arrays.copyOf(latencies, Math.min(count.get(), latencies.length));
    }
  }

  private static void append(String line) throws IOException {
    Path dir =
        Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".")).resolve("results");
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("realtime-fanout.txt"),
        line + System.lineSeparator(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    System.out.println("appended to " + dir.resolve("realtime-fanout.txt").toAbsolutePath());
  }
}
