package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * Date/time nodes using the engine's clock: GetCurrentDateTime, FormatDateTime, ParseDateTime,
 * DateTimeAdd, DateTimeDiff, DateTimeCompare, GetTimestamp. Formats are Python strftime.
 */
final class DateTimeNodes {
  private DateTimeNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of(
            "GetCurrentDateTimeNode",
            c ->
                ctx -> {
                  ZonedDateTime now = now(ctx);
                  String format = ctx.string("format", "%Y-%m-%d %H:%M:%S");
                  ctx.output("datetime", Strftime.format(now, format));
                  ctx.output("iso", now.toOffsetDateTime().toString());
                  ctx.output("timestamp", now.toEpochSecond());
                  return NodeResult.next();
                }),
        NodeType.of(
            "GetTimestampNode",
            c ->
                ctx -> {
                  ctx.output("timestamp", ctx.clock().instant().getEpochSecond());
                  ctx.output("timestamp_ms", ctx.clock().millis());
                  return NodeResult.next();
                }),
        NodeType.of(
            "FormatDateTimeNode",
            c ->
                ctx -> {
                  ZonedDateTime t = parse(ctx, ctx.string("datetime", ""));
                  ctx.output(
                      "result",
                      Strftime.format(
                          t,
                          ctx.string("format", ctx.string("output_format", "%Y-%m-%d %H:%M:%S"))));
                  return NodeResult.next();
                }),
        NodeType.of(
            "ParseDateTimeNode",
            c ->
                ctx -> {
                  ZonedDateTime t =
                      parse(ctx, ctx.string("datetime_string", ctx.string("datetime", "")));
                  ctx.output("iso", t.toOffsetDateTime().toString());
                  ctx.output("timestamp", t.toEpochSecond());
                  ctx.output("year", (long) t.getYear());
                  ctx.output("month", (long) t.getMonthValue());
                  ctx.output("day", (long) t.getDayOfMonth());
                  return NodeResult.next();
                }),
        NodeType.of(
            "DateTimeAddNode",
            c ->
                ctx -> {
                  ZonedDateTime t =
                      ctx.param("datetime") == null
                          ? now(ctx)
                          : parse(ctx, ctx.string("datetime", ""));
                  double amount = ctx.number("amount", ctx.number("value", 0));
                  String unit = ctx.string("unit", "days");
                  ZonedDateTime r =
                      t.plus(Duration.ofMillis((long) (amount * unitMillis(ctx, unit))));
                  ctx.output("result", r.toOffsetDateTime().toString());
                  ctx.output("timestamp", r.toEpochSecond());
                  return NodeResult.next();
                }),
        NodeType.of(
            "DateTimeDiffNode",
            c ->
                ctx -> {
                  Duration d =
                      Duration.between(
                          parse(ctx, ctx.string("start_datetime", ctx.string("datetime_1", ""))),
                          parse(ctx, ctx.string("end_datetime", ctx.string("datetime_2", ""))));
                  double seconds = d.toNanos() / 1e9;
                  ctx.output("seconds", seconds);
                  ctx.output("minutes", seconds / 60);
                  ctx.output("hours", seconds / 3600);
                  ctx.output("days", seconds / 86400);
                  return NodeResult.next();
                }),
        NodeType.of(
            "DateTimeCompareNode",
            c ->
                ctx -> {
                  int cmp =
                      parse(ctx, ctx.string("datetime_1", ""))
                          .compareTo(parse(ctx, ctx.string("datetime_2", "")));
                  ctx.output("result", (long) Integer.signum(cmp));
                  ctx.output("is_before", cmp < 0);
                  ctx.output("is_after", cmp > 0);
                  ctx.output("is_equal", cmp == 0);
                  return NodeResult.next();
                }));
  }

  private static ZonedDateTime now(NodeContext ctx) throws NodeException {
    String tz = ctx.string("timezone", "");
    try {
      ZoneId zone = tz.isBlank() ? ctx.clock().getZone() : ZoneId.of(tz);
      return ZonedDateTime.ofInstant(ctx.clock().instant(), zone);
    } catch (DateTimeException e) {
      throw new NodeException(
          ctx.nodeId()
              + ": unknown timezone '"
              + tz
              + "'; use an IANA name such as Europe/Istanbul");
    }
  }

  /** ISO date, date-time (with or without offset), or epoch seconds. */
  static ZonedDateTime parse(NodeContext ctx, String text) throws NodeException {
    String s = text.strip();
    ZoneId zone = ctx.clock().getZone();
    try {
      if (s.matches("-?\\d+(\\.\\d+)?")) {
        return ZonedDateTime.ofInstant(
            Instant.ofEpochMilli((long) (Double.parseDouble(s) * 1000)), zone);
      }
      if (s.length() == 10) {
        return LocalDate.parse(s).atStartOfDay(zone);
      }
      String iso = s.replace(' ', 'T');
      if (iso.endsWith("Z") || iso.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        return OffsetDateTime.parse(iso).atZoneSameInstant(zone);
      }
      return LocalDateTime.parse(iso).atZone(zone);
    } catch (DateTimeException e) {
      throw new NodeException(
          ctx.nodeId()
              + ": cannot parse date/time '"
              + text
              + "'; use ISO 8601 such as 2026-01-31T12:00:00",
          "ValueError",
          e);
    }
  }

  private static double unitMillis(NodeContext ctx, String unit) throws NodeException {
    return switch (unit.toLowerCase()) {
      case "seconds", "second" -> 1000;
      case "minutes", "minute" -> 60_000;
      case "hours", "hour" -> 3_600_000;
      case "days", "day" -> 86_400_000;
      case "weeks", "week" -> 604_800_000;
      default ->
          throw new NodeException(
              ctx.nodeId()
                  + ": unknown unit '"
                  + unit
                  + "'; use seconds, minutes, hours, days or weeks");
    };
  }
}
