package com.casarerpa.fleet.devstack.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one {@code bin/bench <scenario>} run is asked ({@code --name value} options) and what it
 * found: a table for the terminal and named figures for the JSON file. Goals are rows too: each
 * says the figure, the goal and whether this run met it. Not thread-safe: the scenario's own thread
 * fills it.
 */
public final class BenchRun {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> options;
  private final Set<String> read = new HashSet<>();
  private final List<String[]> rows = new ArrayList<>();
  private final ObjectNode figures = JSON.createObjectNode();
  private final ArrayNode goals = JSON.createArrayNode();
  private final List<String> notes = new ArrayList<>();

  BenchRun(List<String> args) {
    Map<String, String> parsed = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException(
            "unexpected argument '" + arg + "': options are --name value (see --help)");
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        parsed.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        parsed.put(arg.substring(2), args.get(++i));
      } else {
        parsed.put(arg.substring(2), "true");
      }
    }
    this.options = parsed;
  }

  /** An integer option, or {@code fallback} when absent. */
  public int intOption(String name, int fallback) {
    String value = stringOption(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + name + " needs a whole number, got '" + value + "'");
    }
  }

  /** A text option, or {@code fallback} when absent. */
  public String stringOption(String name, String fallback) {
    read.add(name);
    return options.getOrDefault(name, fallback);
  }

  /**
   * Options given but never read by the scenario (typos): reported as an error by {@link Bench}.
   */
  List<String> unreadOptions() {
    return options.keySet().stream().filter(o -> !read.contains(o)).toList();
  }

  Map<String, String> options() {
    return options;
  }

  /** One table row: what, figure, detail. */
  public void row(String what, String figure, String detail) {
    rows.add(new String[] {what, figure, detail});
    System.out.printf("  %-44s %s%n", what, figure);
  }

  /** A named figure in the JSON file ({@code figures.<key>}). */
  public void figure(String key, double value) {
    figures.put(key, value);
  }

  public void figure(String key, String value) {
    figures.put(key, value);
  }

  /**
   * A goal: {@code figure} against {@code limit}; {@code atMost} says which side is good. Printed
   * as a row and kept under {@code goals} in the JSON file.
   */
  public void goal(String what, double figure, String unit, double limit, boolean atMost) {
    boolean met = atMost ? figure <= limit : figure >= limit;
    String text =
        String.format(
            Locale.ROOT,
            "%.2f %s (goal %s %.2f: %s)",
            figure,
            unit,
            atMost ? "≤" : "≥",
            limit,
            met ? "met" : "MISSED");
    row("goal: " + what, text, "");
    goals
        .addObject()
        .put("goal", what)
        .put("figure", figure)
        .put("unit", unit)
        .put(atMost ? "at_most" : "at_least", limit)
        .put("met", met);
  }

  /** A remark printed under the table and kept in the JSON file. */
  public void note(String text) {
    notes.add(text);
  }

  List<String[]> rows() {
    return rows;
  }

  ObjectNode figures() {
    return figures;
  }

  ArrayNode goals() {
    return goals;
  }

  List<String> notes() {
    return notes;
  }
}
