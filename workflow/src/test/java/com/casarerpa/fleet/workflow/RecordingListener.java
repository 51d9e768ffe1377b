package com.casarerpa.fleet.workflow;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a run reported. */
public final class RecordingListener implements RunListener {
  public record Line(LogLevel level, String nodeId, String message) {}

  public final List<Line> lines = new CopyOnWriteArrayList<>();
  public final List<String> started = new CopyOnWriteArrayList<>();
  public final List<Integer> percents = new CopyOnWriteArrayList<>();

  @Override
  public void onLog(LogLevel level, String nodeId, String message) {
    lines.add(new Line(level, nodeId, message));
  }

  @Override
  public void onNodeStarted(String nodeId, String nodeType) {
    started.add(nodeId);
  }

  @Override
  public void onProgress(int percent, String nodeId, String nodeType) {
    percents.add(percent);
  }

  /** INFO-level messages (what LogNodes print by default). */
  public List<String> messages() {
    return lines.stream().filter(l -> l.level() == LogLevel.INFO).map(Line::message).toList();
  }
}
