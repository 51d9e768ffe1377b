package com.casarerpa.fleet.agent.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as people write them: {@code 10} (seconds), {@code 1.5}, {@code 500ms}, {@code
 * 10s}, {@code 5m}, {@code 1h}, {@code PT10S}.
 */
final class DurationText {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  private DurationText() {}

  static Optional<Duration> parse(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    if (value.startsWith("pt")) {
      try {
        return Optional.of(Duration.parse(value.toUpperCase(Locale.ROOT)));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    Matcher m = SIMPLE.matcher(value);
    if (!m.matches()) {
      return Optional.empty();
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis =
        switch (unit) {
          case "ms" -> amount;
          case "m" -> amount * 60_000;
          case "h" -> amount * 3_600_000;
          default -> amount * 1000;
        };
    return Optional.of(Duration.ofMillis(Math.round(millis)));
  }
}
