package com.casarerpa.fleet.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.casarerpa.fleet.agent.internal.PrivateFiles;
import com.casarerpa.fleet.workflow.LogLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSpoolTest {
  @TempDir Path dir;
  private static final UUID ROBOT = UUID.randomUUID();
  private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-25T12:00:00Z"));

  private LogSpool journal(long maxBytes) throws IOException {
    LogSpool journal = new LogSpool(dir, maxBytes, Duration.ofDays(30), clock);
    journal.open();
    journal.bindRobot(ROBOT);
    return journal;
  }

  private static List<UUID> ids(List<LogLine> lines) {
    return lines.stream().map(LogLine::id).toList();
  }

  private static List<LogLine> lines(long fromSeq, int n, LogLevel level, String text) {
    List<LogLine> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          new LogLine(
              UUID.randomUUID(),
              fromSeq + i,
              Instant.parse("2026-11-25T12:00:00Z"),
              level,
              text + (fromSeq + i),
              null,
              null,
              "workflow"));
    }
    return lines;
  }

  private static List<LogLine> lines(long fromSeq, int n) {
    return lines(fromSeq, n, LogLevel.INFO, "line ");
  }

  /** Reads and acknowledges everything, the way the shipper does. */
  private static List<LogLine> drain(LogSpool journal, int batch) throws IOException {
    List<LogLine> all = new ArrayList<>();
    while (true) {
      LogSpool.Batch read = journal.read(batch);
      journal.ack(read);
      if (read.lines().isEmpty()) {
        return all;
      }
      all.addAll(read.lines());
    }
  }

  /**
   * The journal writes lines with a streaming generator and the shipper sends those bytes as they
   * are: they must be exactly what the agent's JSON mapper writes for the line, the form
   * append_robot_logs takes (with and without the optional fields, quotes and non-ASCII included).
   */
  @Test
  void journaled_lines_are_the_mappers_json_of_the_line_byte_for_byte() throws Exception {
    LogSpool journal = journal(1024 * 1024);
    LogLine full =
        new LogLine(
            UUID.randomUUID(),
            clock.instant(),
            LogLevel.WARNING,
            "a \"quoted\" line\twith ünïcode ✓",
            UUID.randomUUID(),
            "node-1",
            "workflow");
    LogLine bare =
        new LogLine(UUID.randomUUID(), clock.instant(), LogLevel.DEBUG, "x", null, null, "agent");
    journal.append(List.of(full, bare));
    LogSpool.Batch read = journal.read(10);
    assertThat(read.json()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      LogLine stored = read.lines().get(i);
      assertThat(new String(read.json().get(i), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(com.casarerpa.fleet.agent.internal.Json.MAPPER.writeValueAsString(stored));
    }
    assertThat(read.lines().get(0).withSeq(0)).isEqualTo(full);
    assertThat(read.lines().get(1).withSeq(0)).isEqualTo(bare);
  }

  @Test
  void appended_lines_are_read_in_order_in_batches_and_acknowledged_ones_are_gone()
      throws Exception {
    LogSpool journal = journal(1024 * 1024);
    List<LogLine> written = lines(100, 25);
    journal.append(written.subList(0, 10));
    journal.append(written.subList(10, 25));

    LogSpool.Batch first = journal.read(10);
    assertThat(ids(first.lines())).containsExactlyElementsOf(ids(written.subList(0, 10)));
    assertThat(journal.read(10).lines())
        .as("read does not move the reader")
        .isEqualTo(first.lines());
    journal.ack(first);

    assertThat(ids(drain(journal, 10))).containsExactlyElementsOf(ids(written.subList(10, 25)));
    assertThat(journal.hasBacklog()).isFalse();
  }

  @Test
  void after_a_reopen_only_unacknowledged_lines_are_replayed_and_the_sequence_is_seeded()
      throws Exception {
    LogSpool first = journal(1024 * 1024);
    List<LogLine> written = lines(100, 20);
    first.append(written);
    first.ack(first.read(8));
    // no close(): the process dies here

    LogSpool again = journal(1024 * 1024);

    assertThat(again.hasBacklog()).isTrue();
    assertThat(again.maxSeq()).isEqualTo(first.maxSeq());
    List<LogLine> later = lines(120, 3);
    again.append(later);
    List<LogLine> expected = new ArrayList<>(written.subList(8, 20));
    expected.addAll(later);
    assertThat(ids(drain(again, 5))).containsExactlyElementsOf(ids(expected));
    again.close();

    LogSpool third = journal(1024 * 1024);
    assertThat(third.hasBacklog()).isFalse();
    assertThat(drain(third, 5)).isEmpty();
  }

  @Test
  void lines_spread_over_many_segments_are_read_across_segment_ends_and_spent_segments_deleted()
      throws Exception {
    LogSpool journal = journal(1024 * 1024);
    String padding = "x".repeat(1000);
    List<LogLine> written = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      List<LogLine> chunk = lines(1 + i * 10L, 10, LogLevel.INFO, padding);
      journal.append(chunk);
      written.addAll(chunk);
    }
    assertThat(segmentCount()).isGreaterThan(2);

    assertThat(ids(drain(journal, 7))).containsExactlyElementsOf(ids(written));
    assertThat(segmentCount()).isEqualTo(1);
  }

  @Test
  void a_torn_last_record_from_a_crash_is_skipped_and_later_lines_still_arrive() throws Exception {
    LogSpool first = journal(1024 * 1024);
    List<LogLine> written = lines(1, 2);
    first.append(written);
    try (Stream<Path> files = Files.list(dir)) {
      Path file = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
      Files.writeString(file, "{\"id\":\"trunc", StandardOpenOption.APPEND);
    }

    LogSpool again = journal(1024 * 1024);
    List<LogLine> later = lines(3, 2);
    again.append(later);

    List<LogLine> expected = new ArrayList<>(written);
    expected.addAll(later);
    assertThat(ids(drain(again, 100))).containsExactlyElementsOf(ids(expected));
  }

  @Test
  void at_the_disk_budget_debug_goes_first_then_every_line_is_refused_and_nothing_accepted_is_lost()
      throws Exception {
    LogSpool journal = journal(100 * 1024);
    String padding = "x".repeat(1000);
    List<LogLine> accepted = new ArrayList<>();
    List<LogLine> refusedDebug = new ArrayList<>();
    long seq = 1;
    for (int i = 0; i < 95; i++) {
      LogLine debug = lines(seq++, 1, LogLevel.DEBUG, padding).getFirst();
      List<LogLine> refused = journal.append(List.of(debug));
      if (refused.isEmpty()) {
        accepted.add(debug);
      } else {
        refusedDebug.add(debug);
      }
    }
    assertThat(refusedDebug).as("DEBUG refused from 90 %").isNotEmpty();
    assertThat(journal.bytes()).isLessThanOrEqualTo(100 * 1024 * 9 / 10);

    List<LogLine> errors = lines(seq, 20, LogLevel.ERROR, padding);
    List<LogLine> refusedErrors = journal.append(errors);
    assertThat(refusedErrors).as("ERROR still taken until 100 %").hasSizeLessThan(errors.size());
    assertThat(refusedErrors).as("and refused beyond").isNotEmpty();
    errors.stream().filter(l -> !refusedErrors.contains(l)).forEach(accepted::add);
    assertThat(journal.bytes()).isLessThanOrEqualTo(100 * 1024);

    assertThat(ids(drain(journal, 50))).containsExactlyElementsOf(ids(accepted));
    assertThat(journal.droppedAtOpen()).isZero();
    assertThat(journal.append(lines(seq + 100, 1, LogLevel.DEBUG, "room again "))).isEmpty();
  }

  @Test
  void segments_older_than_the_retention_are_dropped_at_open_and_counted() throws Exception {
    LogSpool first = journal(1024 * 1024);
    first.append(lines(1, 3));
    first.close();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.setLastModifiedTime(file, FileTime.from(clock.instant().minus(Duration.ofDays(31))));
      }
    }

    LogSpool again = journal(1024 * 1024);

    assertThat(again.hasBacklog()).isFalse();
    assertThat(again.droppedAtOpen()).isEqualTo(3);
  }

  @Test
  void the_journal_orders_lines_itself_so_an_acknowledgement_never_skips_a_late_line()
      throws Exception {
    LogSpool journal = journal(1024 * 1024);
    List<LogLine> numbered = lines(1, 3);
    // producers raced: the line numbered 2 reaches the journal first and is shipped and acked
    journal.append(List.of(numbered.get(1)));
    assertThat(ids(drain(journal, 10))).containsExactly(numbered.get(1).id());

    journal.append(List.of(numbered.get(0), numbered.get(2)));

    List<LogLine> late = drain(journal, 10);
    assertThat(ids(late)).containsExactly(numbered.get(0).id(), numbered.get(2).id());
    assertThat(late).extracting(LogLine::seq).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void a_previous_run_s_lines_of_another_robot_are_set_aside_and_never_read_for_this_robot()
      throws Exception {
    LogSpool first = journal(1024 * 1024);
    first.append(lines(1, 5));
    // no close(): that robot's agent died with lines unshipped

    LogSpool again = new LogSpool(dir, 1024 * 1024, Duration.ofDays(30), clock);
    again.open();
    List<LogLine> ours = lines(1, 2);
    again.append(ours);
    assertThat(again.read(100).lines()).as("nothing is read before the robot is known").isEmpty();
    assertThat(again.hasBacklog()).isFalse();
    UUID other = UUID.randomUUID();
    again.bindRobot(other);

    assertThat(ids(drain(again, 100))).containsExactlyElementsOf(ids(ours));
    try (Stream<Path> files = Files.list(dir)) {
      Path aside =
          files
              .filter(f -> f.getFileName().toString().startsWith("foreign-" + ROBOT))
              .findFirst()
              .orElseThrow();
      try (Stream<Path> kept = Files.list(aside)) {
        assertThat(kept.count()).as("the other robot's segment is kept, not deleted").isOne();
      }
    }
    assertThat(Files.readString(dir.resolve("robot")).trim()).isEqualTo(other.toString());
  }

  @Test
  void a_journal_without_a_recorded_robot_is_not_shipped_under_the_next_key() throws Exception {
    LogSpool unlabelled = new LogSpool(dir, 1024 * 1024, Duration.ofDays(30), clock);
    unlabelled.open();
    unlabelled.append(lines(1, 3));

    LogSpool again = journal(1024 * 1024);

    assertThat(drain(again, 100)).isEmpty();
  }

  @Test
  void the_same_robot_ships_what_its_previous_run_left() throws Exception {
    LogSpool first = journal(1024 * 1024);
    List<LogLine> left = lines(1, 4);
    first.append(left);

    assertThat(ids(drain(journal(1024 * 1024), 100))).containsExactlyElementsOf(ids(left));
  }

  @Test
  void the_journal_folder_and_files_are_private_to_the_user() throws Exception {
    assumeTrue(PrivateFiles.posix(dir.getFileSystem()), "POSIX permissions only");
    Path folder = dir.resolve("spool");
    LogSpool journal = new LogSpool(folder, 1024 * 1024, Duration.ofDays(30), clock);
    journal.open();
    journal.bindRobot(ROBOT);
    journal.append(lines(1, 2));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
        .isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.toList()) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .as(file.getFileName().toString())
            .isEqualTo("rw-------");
      }
    }
  }

  private long segmentCount() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".jsonl")).count();
    }
  }
}
