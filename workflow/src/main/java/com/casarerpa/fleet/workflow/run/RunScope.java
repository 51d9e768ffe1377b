package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.template.Scope;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Variables plus the system variables {@code $currentDate} (YYYY-MM-DD), {@code $currentTime}
 * (HH:MM:SS), {@code $currentDateTime} (ISO) and {@code $timestamp} (epoch seconds), local time of
 * the injected clock.
 */
final class RunScope implements Scope {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private final Map<String, Object> variables;
  private final Clock clock;

  RunScope(Map<String, Object> variables, Clock clock) {
    this.variables = variables;
    this.clock = clock;
  }

  @Override
  public Object lookup(String name) {
    Object v = variables.get(name);
    if (v != null || variables.containsKey(name)) {
      return v;
    }
    return name.startsWith("$") ? system(name) : MISSING;
  }

  private Object system(String name) {
    LocalDateTime now = LocalDateTime.now(clock);
    return switch (name) {
      case "$currentDate" -> now.toLocalDate().toString();
      case "$currentTime" -> TIME.format(now);
      case "$currentDateTime" -> now.toString();
      case "$timestamp" -> clock.instant().getEpochSecond();
      default -> MISSING;
    };
  }
}
