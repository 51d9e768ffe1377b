package com.casarerpa.fleet.agent.logs;

import java.util.Locale;
import java.util.Optional;

/** The six levels {@code robot_logs} accepts, in increasing severity. */
public enum LogLevel {
  TRACE,
  DEBUG,
  INFO,
  WARNING,
  ERROR,
  CRITICAL;

  /** Parses a level name or one of the seed's aliases (WARN, ERR, FATAL, VERBOSE). */
  public static Optional<LogLevel> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    return switch (text.strip().toUpperCase(Locale.ROOT)) {
      case "TRACE", "VERBOSE" -> Optional.of(TRACE);
      case "DEBUG" -> Optional.of(DEBUG);
      case "INFO" -> Optional.of(INFO);
      case "WARNING", "WARN" -> Optional.of(WARNING);
      case "ERROR", "ERR" -> Optional.of(ERROR);
      case "CRITICAL", "FATAL" -> Optional.of(CRITICAL);
      default -> Optional.empty();
    };
  }

  /** Like {@link #parse} but maps anything unknown to INFO, as the seed does for incoming logs. */
  public static LogLevel parseOrInfo(String text) {
    return parse(text).orElse(INFO);
  }

  public boolean atLeast(LogLevel other) {
    return compareTo(other) >= 0;
  }
}
