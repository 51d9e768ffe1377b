package com.casarerpa.fleet.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Human tables (the default) and {@code --json} output of read commands. */
public final class Output {
  private Output() {}

  /** A column: header and how to print a row's cell. */
  public record Column(String header, Function<JsonNode, String> cell) {
    public static Column of(String header, String field) {
      return new Column(header, row -> text(row.path(field)));
    }
  }

  public static void json(PrintWriter out, JsonNode value) {
    try {
      out.println(FleetApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    out.flush();
  }

  /** A list command's output: the rows as JSON with {@code --json}, else as a table. */
  public static void list(PrintWriter out, boolean json, JsonNode rows, List<Column> columns) {
    if (json) {
      json(out, rows);
    } else {
      table(out, rows, columns);
    }
  }

  /** Prints {@code rows} as an aligned table; "(none)" when there are none. */
  public static void table(PrintWriter out, JsonNode rows, List<Column> columns) {
    List<String[]> cells = new ArrayList<>();
    int[] widths = new int[columns.size()];
    String[] header = new String[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      header[i] = columns.get(i).header();
      widths[i] = header[i].length();
    }
    for (JsonNode row : rows) {
      String[] line = new String[columns.size()];
      for (int i = 0; i < columns.size(); i++) {
        line[i] = columns.get(i).cell().apply(row);
        widths[i] = Math.max(widths[i], line[i].length());
      }
      cells.add(line);
    }
    if (cells.isEmpty()) {
      out.println("(none)");
      out.flush();
      return;
    }
    print(out, header, widths);
    for (String[] line : cells) {
      print(out, line, widths);
    }
    out.flush();
  }

  /** {@code key: value} lines of one object. */
  public static void details(PrintWriter out, JsonNode row) {
    int width = 0;
    for (var it = row.fieldNames(); it.hasNext(); ) {
      width = Math.max(width, it.next().length());
    }
    for (var field : row.properties()) {
      out.printf("%-" + (width + 1) + "s %s%n", field.getKey() + ":", text(field.getValue()));
    }
    out.flush();
  }

  private static void print(PrintWriter out, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        line.append("  ");
      }
      line.append(
          i == cells.length - 1 ? cells[i] : String.format("%-" + widths[i] + "s", cells[i]));
    }
    out.println(line.toString().stripTrailing());
  }

  /** A JSON value as table text: strings bare, null as "-", arrays comma-joined. */
  public static String text(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "-";
    }
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(v -> items.add(v.isValueNode() ? v.asText() : v.toString()));
      return items.isEmpty() ? "-" : String.join(",", items);
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  /** "12s ago", "3m ago", "2h ago" for a timestamp, "-" for none. */
  public static String ago(JsonNode timestamp, Instant now) {
    Instant at = instant(timestamp);
    if (at == null) {
      return "-";
    }
    Duration d = Duration.between(at, now);
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    long s = d.toSeconds();
    if (s < 120) {
      return s + "s ago";
    }
    if (s < 7200) {
      return (s / 60) + "m ago";
    }
    if (s < 172800) {
      return (s / 3600) + "h ago";
    }
    return (s / 86400) + "d ago";
  }

  public static Instant instant(JsonNode timestamp) {
    if (timestamp == null || !timestamp.isTextual()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(timestamp.asText()).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The first 8 characters of an id, as the tables show it. */
  public static String shortId(JsonNode id) {
    String s = text(id);
    return s.length() > 8 ? s.substring(0, 8) : s;
  }
}
