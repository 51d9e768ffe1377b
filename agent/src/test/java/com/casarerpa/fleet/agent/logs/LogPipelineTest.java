package com.casarerpa.fleet.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.internal.Sleeper;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.agent.support.FakeFleetBackend;
import com.casarerpa.fleet.agent.support.TestKeys;
import com.casarerpa.fleet.workflow.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogPipelineTest {
  private static final UUID ROBOT = UUID.randomUUID();
  @TempDir Path dir;
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private FakeFleetBackend backend;
  private SupabaseRest rest;
  private LogPipeline pipeline;

  @BeforeEach
  void startBackend() throws IOException {
    backend = new FakeFleetBackend();
    rest =
        new SupabaseRest(
            SupabaseRest.httpClient(Duration.ofSeconds(2)),
            backend.url(),
            TestKeys.ANON_KEY,
            TestKeys.ROBOT_KEY);
  }

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.stop(Duration.ofSeconds(5));
    }
    backend.close();
  }

  private LogSpool journal() throws IOException {
    return journal(64L * 1024 * 1024);
  }

  private LogSpool journal(long maxBytes) throws IOException {
    LogSpool journal = new LogSpool(dir, maxBytes, Duration.ofDays(30), InstantSource.system());
    journal.open();
    journal.bindRobot(ROBOT);
    return journal;
  }

  private LogPipeline pipeline(LogSpool journal, int memoryLines) {
    return new LogPipeline(
        rest,
        journal,
        InstantSource.system(),
        new LogPipeline.Settings(50, Duration.ofMillis(100), memoryLines, LogLevel.INFO),
        metrics,
        e -> {
          throw new AssertionError(e);
        });
  }

  private List<String> messages() {
    return backend.logs().stream().map(l -> l.path("message").asText()).toList();
  }

  private static List<String> numbered(String prefix, int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  @Test
  void a_full_memory_queue_makes_producers_wait_and_no_line_is_dropped() throws Exception {
    backend.down(true);
    pipeline = pipeline(journal(), 8);
    pipeline.start();

    for (int i = 0; i < 600; i++) {
      pipeline.append(LogLevel.INFO, "line " + i, null, null, "workflow");
    }
    await().until(() -> metrics.counter("agent.log.lines.spooled").count() == 600);
    backend.down(false);

    await().atMost(Duration.ofSeconds(30)).until(() -> backend.logs().size() == 600);
    assertThat(messages()).containsExactlyElementsOf(numbered("line ", 0, 600));
    assertThat(metrics.counter("agent.log.lines.dropped").count()).isZero();
  }

  /**
   * Two batches in flight: the older fails while the newer is stored; nothing may be acknowledged
   * past the failed one, so both are sent again (stored once: the client id) and no line is lost.
   */
  @Test
  void when_the_older_of_two_batches_in_flight_fails_both_are_sent_again_and_none_is_lost()
      throws Exception {
    backend.hold("append_robot_logs");
    backend.failOnce("line 0");
    pipeline = pipeline(journal(), 1_000);
    pipeline.start();
    for (int i = 0; i < 100; i++) {
      pipeline.append(LogLevel.INFO, "line " + i, null, null, "workflow");
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> backend.waiting() == 2);
    backend.answer("append_robot_logs");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metrics.counter("agent.log.lines.shipped").count() == 100);
    assertThat(messages()).containsExactlyElementsOf(numbered("line ", 0, 100));
    assertThat(backend.calls("append_robot_logs"))
        .as("the failed batch and the one after it, then both again")
        .isGreaterThanOrEqualTo(4);
    assertThat(metrics.counter("agent.log.lines.dropped").count()).isZero();
  }

  @Test
  void await_journaled_returns_once_every_earlier_line_is_in_the_journal_files() throws Exception {
    backend.down(true);
    pipeline = pipeline(journal(), 64);
    assertThat(pipeline.awaitJournaled(Duration.ofSeconds(1))).as("not started").isFalse();
    pipeline.start();
    for (int i = 0; i < 500; i++) {
      pipeline.append(LogLevel.INFO, "line " + i, null, null, "workflow");
    }

    assertThat(pipeline.awaitJournaled(Duration.ofSeconds(30))).isTrue();

    // what a kill -9 now would leave: the bytes in the journal's files, nothing in memory
    List<String> onDisk = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String json : Files.readAllLines(file)) {
          onDisk.add(Json.MAPPER.readTree(json).path("message").asText());
        }
      }
    }
    assertThat(onDisk).containsExactlyElementsOf(numbered("line ", 0, 500));
    backend.down(false);
    await().atMost(Duration.ofSeconds(30)).until(() -> backend.logs().size() == 500);
    assertThat(messages()).containsExactlyElementsOf(numbered("line ", 0, 500));
  }

  @Test
  void a_previous_run_s_unacknowledged_lines_ship_first_once_even_if_some_had_arrived()
      throws Exception {
    LogSpool previous = journal();
    List<LogLine> old = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      old.add(
          new LogLine(
              UUID.randomUUID(),
              1000 + i,
              Instant.now(),
              LogLevel.INFO,
              "old " + i,
              null,
              null,
              "workflow"));
    }
    previous.append(old);
    previous.ack(previous.read(10));
    // shipped but not yet marked when the previous run died:
    rest.rpc(
        "append_robot_logs",
        Map.of("p_logs", old.subList(10, 15)),
        com.casarerpa.fleet.agent.supabase.RetryPolicy.ONCE);

    pipeline = pipeline(journal(), 100);
    pipeline.start();
    pipeline.append(LogLevel.INFO, "new 0", null, null, "workflow");

    await().atMost(Duration.ofSeconds(10)).until(() -> messages().contains("new 0"));
    List<String> expected = new ArrayList<>(numbered("old ", 10, 30));
    expected.add("new 0");
    assertThat(messages()).containsExactlyElementsOf(expected);
    List<Long> seqs = backend.logs().stream().map(l -> l.path("seq").asLong()).toList();
    assertThat(seqs).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void after_a_clean_stop_nothing_is_left_to_replay() throws Exception {
    pipeline = pipeline(journal(), 100);
    pipeline.start();
    pipeline.append(LogLevel.INFO, "only", null, null, "workflow");
    await().until(() -> backend.logs().size() == 1);
    pipeline.stop(Duration.ofSeconds(5));
    pipeline = null;

    LogSpool again = journal();

    assertThat(again.hasBacklog()).isFalse();
    assertThat(backend.logs()).extracting(JsonNode::size).hasSize(1);
  }

  @Test
  void at_the_disk_budget_new_lines_are_refused_and_counted_and_every_accepted_one_ships()
      throws Exception {
    backend.down(true);
    pipeline = pipeline(journal(64 * 1024), 100);
    pipeline.start();
    String padding = "x".repeat(500);

    for (int i = 0; i < 300; i++) {
      pipeline.append(LogLevel.INFO, "line " + i + " " + padding, null, null, "workflow");
    }
    await()
        .until(
            () ->
                metrics.counter("agent.log.lines.spooled").count()
                        + metrics.counter("agent.log.lines.refused").count()
                    == 300);
    double accepted = metrics.counter("agent.log.lines.spooled").count();
    assertThat(metrics.counter("agent.log.lines.refused").count()).isPositive();
    assertThat(accepted).isPositive();
    backend.down(false);

    await().atMost(Duration.ofSeconds(30)).until(() -> backend.logs().size() == (int) accepted);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < accepted; i++) {
      expected.add("line " + i + " " + padding);
    }
    assertThat(messages()).containsExactlyElementsOf(expected);
    assertThat(metrics.counter("agent.log.lines.dropped").count()).isZero();
  }

  @Test
  void lines_dropped_for_retention_when_the_journal_opens_are_counted() throws Exception {
    LogSpool previous = journal();
    previous.append(
        List.of(
            new LogLine(UUID.randomUUID(), Instant.now(), LogLevel.INFO, "old", null, null, "w"),
            new LogLine(UUID.randomUUID(), Instant.now(), LogLevel.INFO, "old", null, null, "w")));
    previous.close();
    try (var files = java.nio.file.Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
        java.nio.file.Files.setLastModifiedTime(
            file, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofDays(31))));
      }
    }

    pipeline = pipeline(journal(), 100);

    assertThat(metrics.counter("agent.log.lines.dropped").count()).isEqualTo(2);
  }

  /**
   * Time that moves only when the test says so. The shipper's waits are recorded; each returns
   * after a short real pause (or at once on a signal) so that the shipper re-reads this clock.
   */
  private static final class DrivenTime implements InstantSource, Sleeper {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public void sleep(Duration wait) {
      now = now.plus(wait);
    }

    @Override
    public void awaitSignal(Object monitor, Duration wait, BooleanSupplier signalled)
        throws InterruptedException {
      waits.add(wait);
      synchronized (monitor) {
        if (!signalled.getAsBoolean()) {
          monitor.wait(10);
        }
      }
    }

    void advance(Duration by) {
      now = now.plus(by);
    }
  }

  @Test
  void a_partial_batch_ships_when_its_age_passes_on_the_injected_clock() throws Exception {
    DrivenTime time = new DrivenTime();
    Duration age = Duration.ofSeconds(30);
    pipeline =
        new LogPipeline(
            rest,
            journal(),
            time,
            time,
            new LogPipeline.Settings(50, age, 100, LogLevel.INFO),
            metrics,
            e -> {
              throw new AssertionError(e);
            });
    pipeline.start();

    pipeline.append(LogLevel.INFO, "one line, a partial batch", null, null, "workflow");
    await().until(() -> metrics.counter("agent.log.lines.spooled").count() == 1);
    int before = time.waits.size();
    // two more waits: the shipper has read the journaled line since, at the frozen time
    await().until(() -> time.waits.size() >= before + 2);
    time.advance(age.minusSeconds(1));
    await()
        .alias("the shipper waits out the rest of the batch age on the injected clock")
        .until(() -> time.waits.contains(Duration.ofSeconds(1)));
    assertThat(backend.logs()).as("not shipped before its age").isEmpty();

    time.advance(Duration.ofSeconds(1));
    await().until(() -> messages().equals(List.of("one line, a partial batch")));
  }
}
