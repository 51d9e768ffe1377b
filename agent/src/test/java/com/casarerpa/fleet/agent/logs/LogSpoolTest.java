package com.casarerpa.fleet.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSpoolTest {
  @TempDir Path dir;
  private final AtomicLong dropped = new AtomicLong();
  private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-25T12:00:00Z"));

  private LogSpool spool(long maxBytes) throws IOException {
    LogSpool spool = new LogSpool(dir, maxBytes, Duration.ofDays(30), clock, dropped::addAndGet);
    spool.open();
    return spool;
  }

  private static List<LogLine> lines(long fromSeq, int n, String text) {
    List<LogLine> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          new LogLine(
              UUID.randomUUID(),
              fromSeq + i,
              Instant.parse("2026-11-25T12:00:00Z"),
              LogLevel.INFO,
              text + (fromSeq + i),
              null,
              null,
              "workflow"));
    }
    return lines;
  }

  @Test
  void lines_survive_a_restart_in_order_and_seed_the_sequence() throws IOException {
    LogSpool first = spool(1024 * 1024);
    List<LogLine> written = lines(100, 5, "line ");
    first.append(written.subList(0, 2));
    first.append(written.subList(2, 5));
    first.close();

    LogSpool again = spool(1024 * 1024);

    assertThat(again.hasBacklog()).isTrue();
    assertThat(again.maxSeq()).isEqualTo(104);
    LogSpool.Batch batch = again.oldest().orElseThrow();
    assertThat(batch.lines()).containsExactlyElementsOf(written);
    again.delete(batch);
    assertThat(again.hasBacklog()).isFalse();
    assertThat(again.bytes()).isZero();
  }

  @Test
  void over_its_limit_the_spool_drops_the_oldest_segment_and_counts_its_lines() throws IOException {
    LogSpool spool = spool(256 * 1024);
    String padding = "x".repeat(1000);
    long seq = 1;
    for (int i = 0; i < 40; i++) {
      spool.append(lines(seq, 10, padding));
      seq += 10;
    }

    assertThat(spool.bytes()).isLessThanOrEqualTo(256 * 1024);
    assertThat(dropped.get()).isPositive();
    LogSpool.Batch oldest = spool.oldest().orElseThrow();
    assertThat(oldest.lines().getFirst().seq()).isGreaterThan(1);
    assertThat(oldest.lines().getLast().seq()).isLessThan(seq);
  }

  @Test
  void segments_older_than_the_retention_are_dropped_at_open() throws IOException {
    LogSpool first = spool(1024 * 1024);
    first.append(lines(1, 3, "old "));
    first.close();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.setLastModifiedTime(file, FileTime.from(clock.instant().minus(Duration.ofDays(31))));
      }
    }

    LogSpool again = spool(1024 * 1024);

    assertThat(again.hasBacklog()).isFalse();
    assertThat(dropped.get()).isEqualTo(3);
  }

  @Test
  void a_torn_last_line_from_a_crash_is_skipped() throws IOException {
    LogSpool first = spool(1024 * 1024);
    first.append(lines(1, 2, "ok "));
    first.close();
    try (Stream<Path> files = Files.list(dir)) {
      Path file = files.findFirst().orElseThrow();
      Files.writeString(file, "{\"id\":\"trunc", java.nio.file.StandardOpenOption.APPEND);
    }

    LogSpool again = spool(1024 * 1024);

    assertThat(again.oldest().orElseThrow().lines()).hasSize(2);
  }
}
