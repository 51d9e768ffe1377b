package com.casarerpa.fleet.devstack.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.casarerpa.fleet.devstack.StackSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RealtimePlanTest {
  @Test
  void each_plan_carries_supabases_published_quotas() {
    RealtimeSettings pro = RealtimeSettings.fromProperties(Map.of("plan", "pro"));
    assertThat(pro.maxConcurrentUsers()).isEqualTo(500);
    assertThat(pro.maxEventsPerSecond()).isEqualTo(500);
    assertThat(pro.maxPresenceEventsPerSecond()).isEqualTo(50);
    assertThat(pro.maxJoinsPerSecond()).isEqualTo(500);
    RealtimeSettings free = RealtimeSettings.fromProperties(Map.of("plan", "FREE"));
    assertThat(free.maxConcurrentUsers()).isEqualTo(200);
    assertThat(free.maxPresenceEventsPerSecond()).isEqualTo(20);
    assertThat(free.maxPayloadBytes()).isEqualTo(256 * 1024);
    RealtimeSettings team = RealtimeSettings.fromProperties(Map.of("plan", "team"));
    assertThat(team.maxConcurrentUsers()).isEqualTo(10_000);
    assertThat(team.maxEventsPerSecond()).isEqualTo(2_500);
    assertThat(team.maxPresenceEventsPerSecond()).isEqualTo(1_000);
    // per-channel rules are every plan's
    assertThat(team.presenceMaxCalls()).isEqualTo(5);
    assertThat(team.maxChannelsPerClient()).isEqualTo(100);
  }

  @Test
  void a_single_property_still_overrides_the_plan() {
    RealtimeSettings s =
        RealtimeSettings.fromProperties(Map.of("plan", "pro", "max-concurrent-users", "3"));
    assertThat(s.maxConcurrentUsers()).isEqualTo(3);
    assertThat(s.maxEventsPerSecond()).isEqualTo(500);
  }

  @Test
  void an_unknown_plan_is_refused_naming_the_choices() {
    assertThatThrownBy(() -> RealtimeSettings.fromProperties(Map.of("plan", "gold")))
        .hasMessageContaining("'gold'")
        .hasMessageContaining("free, pro, team, unlimited");
    assertThatThrownBy(() -> StackSettings.ephemeral().withRealtimePlan("gold"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
