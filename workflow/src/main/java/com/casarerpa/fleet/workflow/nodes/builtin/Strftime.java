package com.casarerpa.fleet.workflow.nodes.builtin;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/** Python {@code strftime} directives rendered with java.time (C locale names). */
final class Strftime {
  private Strftime() {}

  static String format(ZonedDateTime t, String pattern) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 >= pattern.length()) {
        out.append(c);
        continue;
      }
      char d = pattern.charAt(++i);
      out.append(
          switch (d) {
            case 'Y' -> String.format("%04d", t.getYear());
            case 'y' -> String.format("%02d", t.getYear() % 100);
            case 'm' -> two(t.getMonthValue());
            case 'd' -> two(t.getDayOfMonth());
            case 'H' -> two(t.getHour());
            case 'I' -> two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
            case 'M' -> two(t.getMinute());
            case 'S' -> two(t.getSecond());
            case 'f' -> String.format("%06d", t.getNano() / 1000);
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'b' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'j' -> String.format("%03d", t.getDayOfYear());
            case 'w' -> String.valueOf(t.getDayOfWeek().getValue() % 7);
            case 'z' -> DateTimeFormatter.ofPattern("xx").format(t);
            case 'Z' -> t.getZone().getId();
            case '%' -> "%";
            default -> "%" + d;
          });
    }
    return out.toString();
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : String.valueOf(v);
  }
}
