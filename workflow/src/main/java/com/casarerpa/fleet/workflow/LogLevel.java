package com.casarerpa.fleet.workflow;

import java.util.Locale;

/**
 * Log levels as the fleet's {@code robot_logs} table spells them, in increasing severity; the one
 * level type of the engine and the agent.
 */
public enum LogLevel {
  TRACE,
  DEBUG,
  INFO,
  WARNING,
  ERROR,
  CRITICAL;

  /**
   * Parses a level name or one of the seed's aliases (warn, err, fatal, verbose), any case; unknown
   * text gives {@code fallback}.
   */
  public static LogLevel parse(Object text, LogLevel fallback) {
    if (text == null) {
      return fallback;
    }
    return switch (text.toString().strip().toUpperCase(Locale.ROOT)) {
      case "TRACE", "VERBOSE" -> TRACE;
      case "DEBUG" -> DEBUG;
      case "INFO" -> INFO;
      case "WARNING", "WARN" -> WARNING;
      case "ERROR", "ERR" -> ERROR;
      case "CRITICAL", "FATAL" -> CRITICAL;
      default -> fallback;
    };
  }

  /** True when this level is {@code other} or more severe. */
  public boolean atLeast(LogLevel other) {
    return compareTo(other) >= 0;
  }
}
