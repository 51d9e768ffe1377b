package com.casarerpa.fleet.operator.console;

import com.casarerpa.fleet.operator.Output;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The numbers behind the Charts page and the sparklines, drawn as inline SVG geometry (polyline
 * points, bar paths) in fixed boxes, so a redraw never moves the layout.
 */
final class Charts {
  static final int WIDTH = 600;
  static final int HEIGHT = 120;
  static final int SPARK_WIDTH = 120;
  static final int SPARK_HEIGHT = 24;

  private Charts() {}

  /** Buckets of a window: at most 60 of them, each at least a minute. */
  static Duration bucket(Duration window) {
    long minutes = Math.max(1, window.toMinutes() / 60);
    return Duration.ofMinutes(minutes);
  }

  /**
   * Per bucket of {@code window} ending at {@code now}: jobs completed, jobs failed (failed or
   * timeout), mean dispatch latency (created → claimed, seconds, of jobs claimed in the bucket) and
   * queue depth at the bucket's end (created, not yet claimed nor finished).
   */
  static List<Views.Chart> build(JsonNode jobs, Instant now, Duration window) {
    Duration step = bucket(window);
    int n = (int) Math.max(1, window.toMillis() / step.toMillis());
    Instant start = now.minus(step.multipliedBy(n));
    double[] completed = new double[n];
    double[] failed = new double[n];
    double[] latencySum = new double[n];
    double[] latencyCount = new double[n];
    double[] depth = new double[n];
    for (JsonNode job : jobs) {
      Instant created = Output.instant(job.path("created_at"));
      Instant claimed = Output.instant(job.path("claimed_at"));
      Instant finished = Output.instant(job.path("completed_at"));
      String status = job.path("status").asText();
      int done = index(finished, start, step, n);
      if (done >= 0 && status.equals("completed")) {
        completed[done]++;
      } else if (done >= 0 && (status.equals("failed") || status.equals("timeout"))) {
        failed[done]++;
      }
      int claim = index(claimed, start, step, n);
      if (claim >= 0 && created != null) {
        latencySum[claim] += Duration.between(created, claimed).toMillis() / 1000.0;
        latencyCount[claim]++;
      }
      for (int i = 0; i < n && created != null; i++) {
        Instant end = start.plus(step.multipliedBy(i + 1L));
        Instant left = claimed != null ? claimed : finished;
        if (!created.isAfter(end) && (left == null || left.isAfter(end))) {
          depth[i]++;
        }
      }
    }
    double[] latency = new double[n];
    for (int i = 0; i < n; i++) {
      latency[i] = latencyCount[i] == 0 ? 0 : latencySum[i] / latencyCount[i];
    }
    String per = step.toMinutes() == 1 ? "per minute" : "per " + step.toMinutes() + " minutes";
    return List.of(
        barChart("Jobs completed " + per, completed, "jobs"),
        barChart("Jobs failed " + per, failed, "jobs"),
        lineChart("Dispatch latency (mean, s)", latency, "s"),
        lineChart("Queue depth", depth, "jobs"));
  }

  private static int index(Instant at, Instant start, Duration step, int n) {
    if (at == null || at.isBefore(start)) {
      return -1;
    }
    int i = (int) (Duration.between(start, at).toMillis() / step.toMillis());
    return i >= n ? (at.isAfter(start.plus(step.multipliedBy(n))) ? -1 : n - 1) : i;
  }

  private static Views.Chart barChart(String title, double[] values, String unit) {
    double max = max(values);
    double w = (double) WIDTH / values.length;
    StringBuilder d = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (values[i] <= 0) {
        continue;
      }
      double h = values[i] / max * (HEIGHT - 4);
      d.append(
          String.format(
              Locale.ROOT,
              "M%.1f %.1fh%.1fv%.1fh%.1fZ",
              i * w + 1,
              HEIGHT - h,
              Math.max(1, w - 2),
              h,
              -Math.max(1, w - 2)));
    }
    return new Views.Chart(title, "", d.toString(), number(max), summary(values, unit));
  }

  private static Views.Chart lineChart(String title, double[] values, String unit) {
    double max = max(values);
    return new Views.Chart(
        title, points(values, WIDTH, HEIGHT, max), "", number(max), summary(values, unit));
  }

  /** Polyline points of {@code values} scaled into a {@code width}×{@code height} box. */
  static String points(double[] values, int width, int height, double max) {
    StringBuilder p = new StringBuilder();
    double dx = values.length <= 1 ? 0 : (double) width / (values.length - 1);
    for (int i = 0; i < values.length; i++) {
      double y = height - 1 - Math.min(values[i], max) / (max <= 0 ? 1 : max) * (height - 2);
      p.append(String.format(Locale.ROOT, "%.1f,%.1f ", i * dx, y));
    }
    return p.toString().strip();
  }

  static Views.Sparkline sparkline(List<Double> values, String what) {
    if (values.isEmpty()) {
      return new Views.Sparkline("", what + ": no heartbeats yet");
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    return new Views.Sparkline(
        points(v, SPARK_WIDTH, SPARK_HEIGHT, 100),
        what + " " + number(v[v.length - 1]) + "% (last " + v.length + " heartbeats)");
  }

  private static double max(double[] values) {
    double max = 1;
    for (double v : values) {
      max = Math.max(max, v);
    }
    return max;
  }

  private static String summary(double[] values, String unit) {
    double total = 0;
    double peak = 0;
    for (double v : values) {
      total += v;
      peak = Math.max(peak, v);
    }
    List<String> parts = new ArrayList<>();
    parts.add("peak " + number(peak) + " " + unit);
    parts.add("mean " + number(total / values.length) + " " + unit);
    return String.join(", ", parts);
  }

  static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
