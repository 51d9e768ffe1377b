package com.casarerpa.fleet.devstack.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RealtimeSettingsTest {
  @Test
  void defaults_follow_the_supabase_server() {
    RealtimeSettings d = RealtimeSettings.defaults();
    assertThat(d.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.maxChannelsPerClient()).isEqualTo(100);
    assertThat(d.maxEventsPerSecond()).isEqualTo(100);
    assertThat(d.presenceMaxCalls()).isEqualTo(5);
  }

  @Test
  void properties_override_and_bad_values_name_the_setting() {
    RealtimeSettings s =
        RealtimeSettings.fromProperties(Map.of("idle-timeout", "1500", "presence-window", "PT2S"));
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(s.presenceWindow()).isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> RealtimeSettings.fromProperties(Map.of("idle-timeout", "soon")))
        .hasMessageContaining("devstack.realtime.idle-timeout")
        .hasMessageContaining("soon");
    assertThatThrownBy(
            () -> RealtimeSettings.fromProperties(Map.of("max-channels-per-client", "0")))
        .hasMessageContaining("max-channels-per-client must be > 0");
    assertThatThrownBy(() -> RealtimeSettings.fromProperties(Map.of("idle-timout", "1")))
        .hasMessageContaining("not a Realtime setting");
  }

  @Test
  void rolling_rate_averages_over_its_window() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    InstantSource clock = now::get;
    RollingRate rate = new RollingRate(clock, Duration.ofSeconds(60), Duration.ofSeconds(5));
    rate.add(600);
    assertThat(rate.perSecond()).isEqualTo(10.0);
    now.set(now.get().plusSeconds(59));
    assertThat(rate.perSecond()).isEqualTo(10.0);
    now.set(now.get().plusSeconds(6));
    assertThat(rate.perSecond()).as("the bucket left the window").isZero();
  }
}
