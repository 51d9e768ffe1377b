package com.casarerpa.fleet.workflow.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.casarerpa.fleet.workflow.Fixtures;
import com.casarerpa.fleet.workflow.RecordingListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Runs all 37 files of the CasareRPA repository's own workflows ({@code
 * ../shared/fixtures/casare-corpus}) and checks the table in {@code workflow/README.md} against
 * what happens: the test fails when the README and reality disagree. Also checks the acceptance
 * points that hold for every file: no UNKNOWN_NODE_TYPE, no stack trace in any outcome, log line
 * (listener) or log event (SLF4J, at DEBUG, engine and local services alike).
 */
class CorpusWorkflowsTest {
  private static final String START = "<!-- corpus-table:start -->";
  private static final String END = "<!-- corpus-table:end -->";

  @TempDir Path work;

  /** One README row: file, robot, outcome, and the last log line or the refusal codes. */
  record Row(String file, String robot, String outcome, String detail) {
    String render() {
      return "| " + file + " | " + robot + " | " + outcome + " | " + detail + " |";
    }
  }

  static Path corpusDir() {
    return Fixtures.dir().resolveSibling("casare-corpus");
  }

  static List<String> corpusFiles() throws IOException {
    try (Stream<Path> files = Files.list(corpusDir())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - 5))
          .sorted()
          .toList();
    }
  }

  static WorkflowDefinition load(String name) throws Exception {
    return WorkflowDefinition.parse(Files.readString(corpusDir().resolve(name + ".json")));
  }

  /** Runs {@code file} on a robot as {@code robot} describes and renders the outcome as a row. */
  Row run(String file, String robot) throws Exception {
    Path dir = Files.createDirectories(work.resolve(file + "-" + robot));
    RecordingListener listener = new RecordingListener();
    try (CorpusRobots.Robot robotEngine = CorpusRobots.start(robot, dir)) {
      WorkflowEngine engine = robotEngine.engine();
      RunResult r =
          engine.run(load(file), RunOptions.DEFAULTS.withWorkingDirectory(dir), listener, null);
      assertNoStackTrace(file, r, listener);
      assertThat(r.issues())
          .as("%s: no UNKNOWN_NODE_TYPE", file)
          .noneMatch(i -> i.code().equals("UNKNOWN_NODE_TYPE"));
      if (r.invalidWorkflow()) {
        String codes =
            r.issues().stream()
                .filter(ValidationIssue::isError)
                .map(CorpusWorkflowsTest::reason)
                .collect(Collectors.toCollection(TreeSet::new))
                .stream()
                .collect(Collectors.joining(", "));
        return new Row(file, robot, "refused", codes);
      }
      List<String> logs = listener.messages();
      String last = logs.isEmpty() ? "(no log line)" : "`" + logs.getLast() + "`";
      if (r.status() == RunStatus.COMPLETED) {
        return new Row(file, robot, "completed", last);
      }
      return new Row(file, robot, r.status().name().toLowerCase(), "`" + r.errorMessage() + "`");
    }
  }

  private static final Pattern CAPABILITY = Pattern.compile("needs capability (\\w+)");
  private static final Pattern SERVICE = Pattern.compile("needs (\\w+) credentials");

  /** {@code CODE(what)}: the capability, the service, or the node id. */
  static String reason(ValidationIssue i) {
    Matcher m = CAPABILITY.matcher(i.message());
    if (i.code().equals("NEEDS_CAPABILITY") && m.find()) {
      return i.code() + " " + m.group(1);
    }
    m = SERVICE.matcher(i.message());
    if (i.code().equals("NEEDS_CREDENTIALS") && m.find()) {
      return i.code() + " " + m.group(1);
    }
    return i.code() + " " + i.nodeId();
  }

  /** README detail matches: literal, with {@code …} standing for any text. */
  static boolean matches(Row expected, Row actual) {
    if (!expected.file().equals(actual.file())
        || !expected.robot().equals(actual.robot())
        || !expected.outcome().equals(actual.outcome())) {
      return false;
    }
    String regex =
        Stream.of(expected.detail().split("…", -1))
            .map(Pattern::quote)
            .collect(Collectors.joining(".*"));
    return actual.detail().matches(regex);
  }

  private static void assertNoStackTrace(String file, RunResult r, RecordingListener listener) {
    List<String> texts = new ArrayList<>();
    if (r.errorMessage() != null) {
      texts.add(r.errorMessage());
    }
    r.issues().forEach(i -> texts.add(i.message()));
    listener.lines.forEach(l -> texts.add(l.message()));
    for (String t : texts) {
      assertThat(t)
          .as("%s: outcome text without a stack trace", file)
          .doesNotContain("\tat ")
          .doesNotContainPattern("\\bat [a-z]+\\.[a-z]+\\.[A-Za-z.$]+\\(")
          .doesNotContain("Exception:");
    }
  }

  static Map<String, Row> readmeRows() throws IOException {
    Path readme = Path.of(System.getProperty("basedir", ".")).resolve("README.md");
    String text = Files.readString(readme);
    int s = text.indexOf(START);
    int e = text.indexOf(END);
    if (s < 0 || e < s) {
      return fail("workflow/README.md has no corpus table between " + START + " and " + END);
    }
    Map<String, Row> rows = new LinkedHashMap<>();
    for (String line : text.substring(s + START.length(), e).split("\n")) {
      if (!line.startsWith("| ") || line.startsWith("| file ") || line.startsWith("|---")) {
        continue;
      }
      String[] cells = line.substring(2, line.length() - 2).split(" \\| ", 4);
      Row row = new Row(cells[0], cells[1], cells[2], cells[3]);
      rows.put(row.file() + "/" + row.robot(), row);
    }
    return rows;
  }

  /**
   * The local FTP and mail servers the service robots talk to are test fixtures, not the robot:
   * their own logging (e.g. MINA's warning when a session closes while the FTP server stops) is not
   * what a robot's user sees.
   */
  private static boolean fromTestServer(ILoggingEvent event) {
    String logger = event.getLoggerName();
    return logger.startsWith("org.apache.mina.")
        || logger.startsWith("org.apache.ftpserver.")
        || logger.startsWith("com.icegreen.greenmail.");
  }

  @Test
  void the_readme_table_matches_what_every_corpus_file_does() throws Exception {
    Map<String, Row> readme = readmeRows();
    List<String> files = corpusFiles();
    assertThat(files).hasSize(37);
    assertThat(readme.values().stream().map(Row::file).collect(Collectors.toSet()))
        .as("every corpus file has a README row")
        .containsAll(files);
    List<Row> actual = new ArrayList<>();
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    Level rootLevel = root.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    root.setLevel(Level.DEBUG); // everything the engine and the local services log
    try {
      for (Row expected : readme.values()) {
        actual.add(run(expected.file(), expected.robot()));
      }
    } finally {
      root.detachAppender(logs);
      root.setLevel(rootLevel);
    }
    assertThat(logs.list).as("the runs logged something").isNotEmpty();
    assertThat(logs.list.stream().filter(e -> !fromTestServer(e)).toList())
        .as("no log line of the corpus runs carries a stack trace")
        .allSatisfy(
            e -> {
              assertThat(e.getThrowableProxy()).as("%s", e.getFormattedMessage()).isNull();
              assertThat(e.getFormattedMessage()).doesNotContain("\tat ");
            });
    List<Row> expected = List.copyOf(readme.values());
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      if (!matches(expected.get(i), actual.get(i))) {
        mismatches.add(
            "README: " + expected.get(i).render() + "\nactual: " + actual.get(i).render());
      }
    }
    assertThat(mismatches)
        .as(
            "README corpus table vs. reality; the whole actual table:%n%s",
            actual.stream().map(Row::render).collect(Collectors.joining("\n")))
        .isEmpty();
  }
}
