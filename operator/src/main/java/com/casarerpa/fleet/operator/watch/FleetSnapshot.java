package com.casarerpa.fleet.operator.watch;

import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.PresenceMode;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code fleet watch} shows, read from the database (the source of truth): robots, the jobs
 * robots hold, queue depth by status, the latest failures, and whether robots track presence.
 */
record FleetSnapshot(
    JsonNode robots,
    Map<String, JsonNode> liveJobsByRobot,
    Map<String, Long> queue,
    JsonNode failures,
    PresenceMode presence,
    Instant readAt) {

  static final List<String> STATUSES =
      List.of(
          "pending", "queued", "claimed", "running", "completed", "failed", "timeout", "cancelled");

  static FleetSnapshot load(FleetApi api) {
    JsonNode robots =
        api.get(
            "robots?select=robot_id,name,status,environment,last_heartbeat,max_concurrent_jobs"
                + "&order=name.asc");
    JsonNode live =
        api.get(
            "jobs?select=job_id,workflow_name,status,progress,current_node,robot_uuid"
                + "&status=in.(claimed,running)&order=created_at.asc");
    Map<String, JsonNode> byRobot = new LinkedHashMap<>();
    for (JsonNode job : live) {
      byRobot.putIfAbsent(job.path("robot_uuid").asText(), job);
    }
    Map<String, Long> queue = new LinkedHashMap<>();
    for (String status : STATUSES) {
      queue.put(status, api.count("jobs?status=eq." + status));
    }
    JsonNode failures =
        api.get(
            "jobs?select=job_id,workflow_name,status,error,completed_at,robot:robots(name)"
                + "&status=in.(failed,timeout)&order=completed_at.desc.nullslast&limit=5");
    return new FleetSnapshot(
        robots, byRobot, queue, failures, PresenceMode.read(api), Instant.now());
  }
}
