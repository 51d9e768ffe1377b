package com.casarerpa.fleet.agent.logs;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.supabase.RealtimeChannel;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The live tail on {@code robot-logs:<robot_id>}: shipped batches are broadcast as event {@code
 * log} only while a viewer is present on the channel, so an unwatched robot costs no Realtime
 * messages. Best effort: the durable copy is {@code robot_logs}.
 */
public final class LiveLogs {
  /** Lines per broadcast message, well under Realtime's payload limit. */
  static final int LINES_PER_MESSAGE = 100;

  private static final int MESSAGE_PREVIEW = 2_000;

  private final RealtimeChannel channel;

  public LiveLogs(RealtimeChannel channel) {
    this.channel = channel;
  }

  boolean watched() {
    return channel.isJoined() && channel.presenceCount() > 0;
  }

  void publish(List<LogLine> lines) {
    if (!watched()) {
      return;
    }
    for (int from = 0; from < lines.size(); from += LINES_PER_MESSAGE) {
      List<LogLine> chunk = lines.subList(from, Math.min(lines.size(), from + LINES_PER_MESSAGE));
      ObjectNode payload = Json.MAPPER.createObjectNode();
      ArrayNode array = payload.putArray("lines");
      for (LogLine line : chunk) {
        ObjectNode node = array.addObject();
        node.put("seq", line.seq());
        node.put("ts", line.ts().toString());
        node.put("level", line.level().name());
        node.put("job_id", line.jobId() == null ? null : line.jobId().toString());
        node.put("node_id", line.nodeId());
        String message = line.message();
        node.put(
            "message",
            message != null && message.length() > MESSAGE_PREVIEW
                ? message.substring(0, MESSAGE_PREVIEW) + "…"
                : message);
      }
      channel.broadcast("log", payload);
    }
  }
}
