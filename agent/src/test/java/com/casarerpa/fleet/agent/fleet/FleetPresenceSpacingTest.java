package com.casarerpa.fleet.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.agent.internal.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FleetPresenceSpacingTest {
  @Test
  void the_budgets_interval_is_kept_between_the_channel_rule_and_ten_minutes() {
    assertThat(FleetPresence.clamp(Duration.ofSeconds(1))).isEqualTo(FleetPresence.MIN_SPACING);
    assertThat(FleetPresence.clamp(Duration.ofSeconds(25))).isEqualTo(Duration.ofSeconds(25));
    assertThat(FleetPresence.clamp(Duration.ofHours(1))).isEqualTo(FleetPresence.MAX_SPACING);
  }

  @Test
  void the_interval_the_budget_asks_for_is_taken() {
    // robot_presence_budget() asked for 25 s (N x (N + watchers) / budget)
    var budget = Json.MAPPER.createObjectNode().put("presence_interval_seconds", 25.0);
    assertThat(FleetPresence.spacingFrom(budget, FleetPresence.MIN_SPACING))
        .isEqualTo(Duration.ofSeconds(25));
    assertThat(FleetPresence.spacingFrom(Json.MAPPER.createObjectNode(), Duration.ofSeconds(9)))
        .isEqualTo(Duration.ofSeconds(9));
  }
}
