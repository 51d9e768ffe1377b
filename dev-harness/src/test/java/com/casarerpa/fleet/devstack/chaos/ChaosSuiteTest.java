package com.casarerpa.fleet.devstack.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The small chaos suite ({@code bin/chaos --size small}) in the normal test run: 500 jobs across 8
 * agent processes from the agent's runnable jar, SIGKILL every few seconds, one stack restart and
 * one {@code pg_terminate_backend} of the API sessions. The suite waits on the database, never on
 * fixed sleeps; only its chaos schedule runs on intervals.
 */
class ChaosSuiteTest {
  /** Under target/, so the agents' logs stay for a look after a failure; emptied first. */
  private final Path work = Path.of("target", "chaos-small").toAbsolutePath();

  @Test
  void every_job_completes_with_one_effect_per_surviving_attempt_and_no_lost_log_line()
      throws Exception {
    deleteRecursively(work);
    Path jar = ChaosCommand.agentJar(ChaosCommand.repositoryRoot());
    ChaosSuite.Options options = ChaosSuite.Options.small(work, jar);

    ChaosSuite.Report report = new ChaosSuite(options).run();
    System.out.print(ChaosCommand.table(report));

    assertThat(report.violations()).as("violations").isEmpty();
    assertThat(report.held()).isTrue();
    assertThat(report.jobs()).isGreaterThanOrEqualTo(500);
    assertThat(report.completed()).isEqualTo(report.jobs());
    assertThat(report.kills()).as("agents killed").isGreaterThanOrEqualTo(3);
    assertThat(report.agentProcessesStarted()).isEqualTo(options.agents() + report.kills());
    assertThat(report.stackRestartDowntimeMs()).as("the stack was restarted").isPositive();
    assertThat(report.sessionsTerminated()).as("API sessions terminated").isPositive();
    assertThat(report.effectsReceived())
        .isEqualTo(report.finalAttemptEffects() + report.killedAttemptEffects());
    assertThat(report.finalAttemptEffects()).isEqualTo(report.jobs());
    assertThat(report.finalLinesStored()).isEqualTo(report.finalLinesExpected());
    assertThat(report.finalLinesLost()).isZero();
    assertThat(report.finalLinesDuplicated()).isZero();
    assertThat(report.retries())
        .as("retry_count: each started earlier attempt")
        .isLessThanOrEqualTo(
            report.retriesAfterKill()
                + report.retriesAfterStackRestart()
                + report.retriesLeaseLostByLiveRobot())
        .isGreaterThanOrEqualTo(report.killedAttemptEffects());
    if (report.attemptsKilled() > report.killedJobsCompletedByInFlightCall()) {
      assertThat(report.rescuesMeasured()).isPositive();
      assertThat(report.rescueWorstMs()).isPositive();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
