package com.casarerpa.fleet.agent.logs;

import com.casarerpa.fleet.workflow.LogLevel;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * One line for {@code robot_logs}, as {@code append_robot_logs} takes it. The client-generated
 * {@code id} and the per-robot monotonic {@code seq} make replays idempotent and ordered.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record LogLine(
    @JsonProperty("id") UUID id,
    @JsonProperty("seq") long seq,
    @JsonProperty("ts") Instant ts,
    @JsonProperty("level") LogLevel level,
    @JsonProperty("message") String message,
    @JsonProperty("job_id") UUID jobId,
    @JsonProperty("node_id") String nodeId,
    @JsonProperty("source") String source) {
  /** Longest message stored; longer ones are cut with a marker (the seed's line limit). */
  public static final int MAX_MESSAGE = 10_000;

  /** A line not yet journaled: the journal gives it its {@code seq}. */
  public LogLine(
      UUID id,
      Instant ts,
      LogLevel level,
      String message,
      UUID jobId,
      String nodeId,
      String source) {
    this(id, 0, ts, level, message, jobId, nodeId, source);
  }

  /** This line with its place in the journal. */
  public LogLine withSeq(long newSeq) {
    return new LogLine(id, newSeq, ts, level, message, jobId, nodeId, source);
  }

  public LogLine {
    if (message != null && message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "…[truncated]";
    }
  }
}
