package com.casarerpa.fleet.devstack.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log journal through a 30-minute backend outage on a clock running 180 times real time (about
 * 10 s real): the job keeps logging, and every accepted line is stored exactly once and in order.
 * With a budget the outage overflows, the journal stays within it and the refused lines are exactly
 * the missing ones, DEBUG first.
 */
class LogOutageRunTest {
  @TempDir Path work;

  private LogOutageRun.Options options(Path dir, long budget) {
    return new LogOutageRun.Options(
        Duration.ofMinutes(30),
        Duration.ofMinutes(1),
        Duration.ofMinutes(1),
        180,
        4,
        100,
        budget,
        dir);
  }

  @Test
  void a_30_minute_outage_within_the_budget_loses_nothing() throws Exception {
    LogOutageRun.Report r = new LogOutageRun(options(work.resolve("roomy"), 64L << 20)).run();
    System.out.print(LogOutageCommand.table("roomy", r));

    assertThat(r.produced()).as("lines logged: 32 clock minutes at 4/s").isGreaterThan(7_000);
    assertThat(r.refused()).isZero();
    assertThat(r.stored()).isEqualTo(r.produced());
    assertThat(r.lost()).isZero();
    assertThat(r.duplicates()).isZero();
    assertThat(r.inOrder()).isTrue();
    assertThat(r.peakJournalBytes()).as("the outage's backlog was on disk").isPositive();
    assertThat(r.journalBytesAtEnd())
        .as("acknowledged segments deleted: at most the open segment (4 MiB) is left")
        .isLessThanOrEqualTo(5L << 20);
    assertThat(r.held()).isTrue();
  }

  @Test
  void at_the_disk_budget_new_lines_are_refused_and_counted_and_accepted_ones_all_arrive()
      throws Exception {
    long budget = 512L << 10;
    LogOutageRun.Report r = new LogOutageRun(options(work.resolve("tight"), budget)).run();
    System.out.print(LogOutageCommand.table("tight", r));

    assertThat(r.refused()).as("the outage overflows a 512 KB journal").isPositive();
    assertThat(r.refusedDebug()).as("refused lines are exactly the missing ones").isNotNegative();
    assertThat(r.refusedDebug() + r.refusedInfo()).isEqualTo(r.refused());
    assertThat(r.accepted() + r.refused()).isEqualTo(r.produced());
    assertThat(r.stored()).isEqualTo(r.accepted());
    assertThat(r.lost()).isZero();
    assertThat(r.duplicates()).isZero();
    assertThat(r.inOrder()).isTrue();
    assertThat(r.peakJournalBytes()).isLessThanOrEqualTo(budget);
    assertThat(r.peakJournalDiskBytes()).isLessThanOrEqualTo(budget + 4096);
    assertThat(r.held()).isTrue();
  }
}
