package com.casarerpa.fleet.devstack.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/chaos log-outage}: the log journal through a backend outage in compressed time ({@link
 * LogOutageRun}), twice: with a disk budget the outage fits in (zero loss) and with one it
 * overflows (the stated refusals). Prints a table, writes {@code
 * bench-results/log-outage-<time>.json}; exit 0 when both held.
 */
@Command(
    name = "log-outage",
    mixinStandardHelpOptions = true,
    description =
        "A job logs while the backend is away (default 30 min on a clock 60x real time): zero"
            + " loss, bounded disk, refusals at the disk budget counted.")
public final class LogOutageCommand implements Callable<Integer> {
  @Option(names = "--outage-minutes", description = "backend away, on the run's clock (30)")
  int outageMinutes = 30;

  @Option(names = "--scale", description = "the clock runs this many times real time (60)")
  double scale = 60;

  @Option(names = "--rate", description = "lines per second the job logs, on the clock (20)")
  int rate = 20;

  @Option(names = "--message-chars", description = "padding per line (100)")
  int messageChars = 100;

  @Option(names = "--budget-mb", description = "the roomy budget, MB (64)")
  long roomyMb = 64;

  @Option(names = "--tight-budget-kb", description = "the budget the outage overflows, KB (2048)")
  long tightKb = 2048;

  @Option(names = "--work", description = "work folder (a temporary one by default)")
  Path work;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LogOutageCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path folder = work != null ? work : Files.createTempDirectory("casare-log-outage-");
    Map<String, LogOutageRun.Report> reports = new LinkedHashMap<>();
    reports.put("roomy", new LogOutageRun(options(folder.resolve("roomy"), roomyMb << 20)).run());
    reports.put("tight", new LogOutageRun(options(folder.resolve("tight"), tightKb << 10)).run());
    reports.forEach((name, r) -> System.out.print(table(name, r)));
    System.out.println(
        "wrote " + ChaosCommand.writeJson(ChaosCommand.repositoryRoot(), "log-outage", reports));
    return reports.values().stream().allMatch(LogOutageRun.Report::held) ? 0 : 1;
  }

  private LogOutageRun.Options options(Path dir, long budget) {
    return new LogOutageRun.Options(
        Duration.ofMinutes(outageMinutes),
        Duration.ofMinutes(1),
        Duration.ofMinutes(2),
        scale,
        rate,
        messageChars,
        budget,
        dir);
  }

  public static String table(String name, LogOutageRun.Report r) {
    StringBuilder t = new StringBuilder();
    t.append("== ").append(name).append(" budget: ").append(r.budgetBytes()).append(" bytes\n");
    row(
        t,
        "backend away",
        String.format(
            "%d s on the clock (%.1f s real, clock x%.0f)",
            r.outageClockSeconds(), r.outageRealSeconds(), r.scale()));
    row(
        t,
        "lines logged",
        r.produced() + " (" + r.linesPerSecond() + "/s on the clock, every 10th DEBUG)");
    row(t, "accepted into the journal", Long.toString(r.accepted()));
    row(
        t,
        "refused at the budget (counted)",
        r.refused() + " (DEBUG " + r.refusedDebug() + ", INFO " + r.refusedInfo() + ")");
    row(
        t,
        "stored in robot_logs",
        r.stored()
            + " (lost "
            + r.lost()
            + ", duplicated "
            + r.duplicates()
            + ", in order "
            + r.inOrder()
            + ")");
    row(
        t,
        "journal peak",
        r.peakJournalBytes()
            + " bytes of segments, "
            + r.peakJournalDiskBytes()
            + " bytes on disk");
    row(t, "drain after the backend is back", String.format("%.1f s real", r.drainRealSeconds()));
    row(t, "journal at the end", r.journalBytesAtEnd() + " bytes");
    row(t, "invariants", r.held() ? "HELD" : "VIOLATED");
    return t.toString();
  }

  private static void row(StringBuilder t, String name, String value) {
    t.append(String.format("%-34s %s%n", name, value));
  }
}
