package com.casarerpa.fleet.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.agent.internal.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {
  private static ServerSettings settings(int lease, int heartbeat, int poll) {
    return ServerSettings.fromJson(
        Json.MAPPER
            .createObjectNode()
            .put("lease_seconds", lease)
            .put("heartbeat_interval_seconds", heartbeat)
            .put("job_poll_interval_seconds", poll));
  }

  @Test
  void the_heartbeat_is_the_shortest_of_ours_the_servers_and_a_third_of_the_lease() {
    assertThat(settings(60, 15, 5).effectiveHeartbeat(Duration.ofSeconds(10)))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(settings(60, 5, 5).effectiveHeartbeat(Duration.ofSeconds(10)))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(settings(6, 5, 5).effectiveHeartbeat(Duration.ofSeconds(10)))
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void the_server_can_shorten_the_poll_but_not_lengthen_it() {
    assertThat(settings(60, 15, 2).effectivePoll(Duration.ofSeconds(5)))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(settings(60, 15, 30).effectivePoll(Duration.ofSeconds(5)))
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void missing_settings_fall_back_to_the_contract_defaults() {
    ServerSettings defaults = ServerSettings.fromJson(Json.MAPPER.createObjectNode());

    assertThat(defaults.lease()).isEqualTo(Duration.ofSeconds(60));
    assertThat(defaults.maintenanceInterval()).isEqualTo(Duration.ofSeconds(5));
  }
}
