package com.casarerpa.fleet.devstack.schema;

import java.util.List;

/** The twelve tables the original CasareRPA seed expects, in the seed's verification order. */
final class SeedTables {
  static final List<String> NAMES =
      List.of(
          "workflows",
          "workflow_versions",
          "robots",
          "jobs",
          "robot_api_keys",
          "robot_api_key_audit",
          "robot_logs",
          "robot_logs_cleanup_history",
          "schedules",
          "workflow_robot_assignments",
          "node_robot_overrides",
          "robot_heartbeats");

  private SeedTables() {}
}
