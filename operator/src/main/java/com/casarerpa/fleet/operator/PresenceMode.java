package com.casarerpa.fleet.operator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Whether the fleet's robots track {@code robot-fleet} presence ({@code fleet_presence_budget()},
 * migration {@code 20261201000600}): past the fleet size its presence budget carries, robots stay
 * off presence, and dashboards show who is up from the {@code robots} rows instead (their status is
 * kept by heartbeats and the fleet's offline threshold).
 *
 * @param on robots track presence
 * @param reason why not (the budget's sentence), empty while on
 */
public record PresenceMode(boolean on, String reason) {
  public static final PresenceMode ON = new PresenceMode(true, "");

  /** The fleet's mode now; on for a schema without {@code fleet_presence_budget()}. */
  public static PresenceMode read(FleetApi api) {
    try {
      JsonNode budget = api.rpc("fleet_presence_budget", Map.of());
      JsonNode enabled = budget.path("presence_enabled");
      return enabled.isBoolean() && !enabled.asBoolean()
          ? new PresenceMode(false, budget.path("presence_off_reason").asText(""))
          : ON;
    } catch (RuntimeException e) {
      return ON;
    }
  }

  /**
   * Whether a robot is up: in presence while the fleet tracks it, otherwise its row says {@code
   * online} or {@code busy}.
   */
  public boolean up(boolean inPresence, String rowStatus) {
    return on ? inPresence : "online".equals(rowStatus) || "busy".equals(rowStatus);
  }
}
