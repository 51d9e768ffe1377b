package com.casarerpa.fleet.devstack.bench;

/**
 * One scenario of {@code bin/bench <scenario>}. A scenario measures, fills its {@link BenchRun}
 * (table rows and figures) and returns; {@link Bench} prints the table and writes the JSON file.
 *
 * <p>Registration: add the class's name to {@code
 * META-INF/services/com.casarerpa.fleet.devstack.bench.BenchScenario} in this module's resources
 * (one line per scenario; {@code fleet} and {@code chaos} go there too). It needs a public no-arg
 * constructor.
 */
public interface BenchScenario {
  /** The word after {@code bin/bench}, lower case. */
  String name();

  /** One line for {@code bin/bench --help}: what is measured and the goal. */
  String summary();

  /** The options it reads, one per line ({@code --name N meaning (default)}), or "". */
  String options();

  /** Measures; throws when the run could not measure what it claims (nothing is written then). */
  void run(BenchRun run) throws Exception;
}
