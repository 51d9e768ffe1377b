package com.casarerpa.fleet.agent.config;

import java.util.List;

/** The configuration cannot be used; {@link #problems()} says what and how to fix each. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  /** One problem: its message is one line. */
  public ConfigException(String problem) {
    this(List.of(problem));
  }

  public ConfigException(List<String> problems) {
    super(
        problems.size() == 1
            ? "invalid configuration: " + problems.getFirst()
            : "invalid configuration ("
                + problems.size()
                + " problems):\n  - "
                + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
