package com.casarerpa.fleet.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.agent.support.FakeFleetBackend;
import com.casarerpa.fleet.agent.support.TestKeys;
import com.casarerpa.fleet.workflow.LogLevel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the interleaving of producers, acknowledgements and crashes, every line the journal
 * accepted is shipped, and journal order is {@code seq} order.
 */
class LogJournalPropertiesTest {
  private static final UUID ROBOT = UUID.randomUUID();

  /** One step of the model: append lines (in a racy order), ship a batch, or crash and reopen. */
  sealed interface Step permits Append, Ship, Crash {}

  record Append(int lines, long shuffleSeed) implements Step {}

  record Ship(int batch) implements Step {}

  record Crash() implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> append =
        Arbitraries.integers()
            .between(1, 40)
            .flatMap(n -> Arbitraries.longs().map(seed -> (Step) new Append(n, seed)));
    Arbitrary<Step> ship = Arbitraries.integers().between(1, 30).map(Ship::new);
    Arbitrary<Step> crash = Arbitraries.just(new Crash());
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, append),
            net.jqwik.api.Tuple.of(4, ship),
            net.jqwik.api.Tuple.of(1, crash))
        .list()
        .ofMaxSize(60);
  }

  @Property(tries = 200)
  void every_accepted_line_ships_through_racing_producers_acks_and_crashes(
      @ForAll("steps") List<Step> steps) throws IOException {
    Path dir = Files.createTempDirectory("journal-prop");
    try {
      Set<UUID> accepted = new HashSet<>();
      Set<UUID> shipped = new HashSet<>();
      long lastShippedSeq = 0;
      LogSpool journal = open(dir);
      for (Step step : steps) {
        switch (step) {
          case Append a -> {
            // producers numbered their lines, then raced to the journal: the journal sees a
            // shuffled order of the numbers they carry
            List<LogLine> batch = new ArrayList<>();
            for (int i = 0; i < a.lines(); i++) {
              batch.add(
                  new LogLine(
                      UUID.randomUUID(),
                      1 + i,
                      Instant.EPOCH,
                      LogLevel.INFO,
                      "l",
                      null,
                      null,
                      "workflow"));
            }
            Collections.shuffle(batch, new Random(a.shuffleSeed()));
            assertThat(journal.append(batch)).isEmpty();
            batch.forEach(l -> accepted.add(l.id()));
          }
          case Ship s -> {
            LogSpool.Batch read = journal.read(s.batch());
            for (LogLine line : read.lines()) {
              assertThat(line.seq()).as("journal order is seq order").isGreaterThan(lastShippedSeq);
              lastShippedSeq = line.seq();
              shipped.add(line.id());
            }
            journal.ack(read);
          }
          case Crash c -> {
            // the process dies: no close, no fsync; the OS keeps what was written
            journal = open(dir);
            lastShippedSeq = 0;
          }
        }
      }
      for (LogLine line : drainAll(journal)) {
        shipped.add(line.id());
      }
      assertThat(shipped).containsExactlyInAnyOrderElementsOf(accepted);
      journal.close();
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * The real pipeline: several producer threads append at once while the shipper ships and acks;
   * the run stops mid-way ({@code kills} times) and a new pipeline reopens the same journal.
   */
  @Property(tries = 8)
  void concurrent_producers_lose_no_line_across_restarts(
      @ForAll @IntRange(min = 2, max = 6) int producers,
      @ForAll @IntRange(min = 1, max = 120) int linesEach,
      @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 1) Integer> runsWithOutage)
      throws Exception {
    Path dir = Files.createTempDirectory("pipeline-prop");
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    ExecutorService threads = Executors.newFixedThreadPool(producers);
    try (FakeFleetBackend backend = new FakeFleetBackend()) {
      SupabaseRest rest =
          new SupabaseRest(
              SupabaseRest.httpClient(Duration.ofSeconds(2)),
              backend.url(),
              TestKeys.ANON_KEY,
              TestKeys.ROBOT_KEY);
      Set<String> sent = Collections.synchronizedSet(new HashSet<>());
      int run = 0;
      for (int outage : runsWithOutage) {
        backend.down(outage == 1);
        LogPipeline pipeline = pipeline(rest, open(dir), metrics);
        pipeline.start();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
          String prefix = "r" + run + "p" + p + "-";
          done.add(
              threads.submit(
                  () -> {
                    go.await();
                    for (int i = 0; i < linesEach; i++) {
                      pipeline.append(LogLevel.INFO, prefix + i, null, null, "workflow");
                      sent.add(prefix + i);
                    }
                    return null;
                  }));
        }
        go.countDown();
        for (Future<?> f : done) {
          f.get();
        }
        // stopped at once (or the backend away): whatever was not shipped stays for the next run;
        // the next run starts once this one's threads have ended, as a new process would
        pipeline.stop(Duration.ZERO);
        await().atMost(Duration.ofSeconds(30)).until(pipeline::stopped);
        run++;
      }
      backend.down(false);
      LogPipeline last = pipeline(rest, open(dir), metrics);
      last.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> backend.logs().size() >= sent.size());
      last.stop(Duration.ofSeconds(5));
      List<String> messages = backend.logs().stream().map(l -> l.path("message").asText()).toList();
      assertThat(messages).containsExactlyInAnyOrderElementsOf(sent);
      List<Long> seqs = backend.logs().stream().map(l -> l.path("seq").asLong()).toList();
      assertThat(seqs).doesNotHaveDuplicates();
      assertThat(metrics.counter("agent.log.lines.dropped").count()).isZero();
    } finally {
      threads.shutdownNow();
      deleteTree(dir);
    }
  }

  private static LogPipeline pipeline(
      SupabaseRest rest, LogSpool journal, SimpleMeterRegistry metrics) {
    return new LogPipeline(
        rest,
        journal,
        InstantSource.system(),
        new LogPipeline.Settings(25, Duration.ofMillis(20), 16, LogLevel.INFO),
        metrics,
        e -> {
          throw new AssertionError(e);
        });
  }

  private static LogSpool open(Path dir) throws IOException {
    LogSpool journal = new LogSpool(dir, 64L * 1024 * 1024, Duration.ofDays(30), clock());
    journal.open();
    journal.bindRobot(ROBOT);
    return journal;
  }

  private static InstantSource clock() {
    return InstantSource.fixed(Instant.parse("2026-11-25T12:00:00Z"));
  }

  private static List<LogLine> drainAll(LogSpool journal) throws IOException {
    List<LogLine> all = new ArrayList<>();
    while (true) {
      LogSpool.Batch read = journal.read(50);
      journal.ack(read);
      if (read.lines().isEmpty()) {
        return all;
      }
      all.addAll(read.lines());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files
          .sorted(Collections.reverseOrder())
          .forEach(
              f -> {
                try {
                  Files.deleteIfExists(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
