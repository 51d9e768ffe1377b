package com.casarerpa.fleet.agent.config;

import java.util.List;

/** The configuration cannot be used; {@link #problems()} says what and how to fix each. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(
        "invalid configuration ("
            + problems.size()
            + " problem"
            + (problems.size() == 1 ? "" : "s")
            + "):\n  - "
            + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
