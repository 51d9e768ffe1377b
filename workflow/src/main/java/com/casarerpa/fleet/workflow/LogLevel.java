package com.casarerpa.fleet.workflow;

import java.util.Locale;

/** Log levels as the fleet's {@code robot_logs} table spells them. */
public enum LogLevel {
  TRACE,
  DEBUG,
  INFO,
  WARNING,
  ERROR,
  CRITICAL;

  /**
   * Parses {@code debug|info|warning|warn|error|critical|trace}; unknown text gives {@code
   * fallback}.
   */
  public static LogLevel parse(Object text, LogLevel fallback) {
    if (text == null) {
      return fallback;
    }
    return switch (text.toString().strip().toUpperCase(Locale.ROOT)) {
      case "TRACE" -> TRACE;
      case "DEBUG" -> DEBUG;
      case "INFO" -> INFO;
      case "WARNING", "WARN" -> WARNING;
      case "ERROR" -> ERROR;
      case "CRITICAL", "FATAL" -> CRITICAL;
      default -> fallback;
    };
  }
}
