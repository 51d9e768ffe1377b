package com.casarerpa.fleet.agent.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.UUID;

/**
 * A job this robot holds a lease on, as {@code claim_jobs} returned it. Every write about it is
 * fenced by {@code (jobId, claimToken)}.
 *
 * @param timeout the job's own timeout, or null to use the agent's default
 */
public record ClaimedJob(
    UUID jobId,
    UUID claimToken,
    int attempt,
    UUID workflowId,
    String workflowName,
    JsonNode payload,
    JsonNode workflowJson,
    Duration timeout,
    int priority,
    String environment) {

  /** Reads one element of the {@code claim_jobs} result. */
  static ClaimedJob fromJson(JsonNode row) {
    return new ClaimedJob(
        UUID.fromString(row.path("job_id").asText()),
        UUID.fromString(row.path("claim_token").asText()),
        row.path("attempt").asInt(1),
        row.hasNonNull("workflow_id") ? UUID.fromString(row.get("workflow_id").asText()) : null,
        row.path("workflow_name").asText(""),
        row.path("payload"),
        row.path("workflow_json"),
        row.hasNonNull("timeout_seconds") && row.get("timeout_seconds").asLong() > 0
            ? Duration.ofSeconds(row.get("timeout_seconds").asLong())
            : null,
        row.path("priority").asInt(0),
        row.path("environment").asText("default"));
  }

  @Override
  public String toString() {
    return "job " + jobId + " (" + workflowName + ", attempt " + attempt + ")";
  }
}
