package com.casarerpa.fleet.devstack.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PresenceTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void track_update_and_untrack_produce_phoenix_diffs() {
    Presence presence = new Presence();
    Channel owner = new Channel(null, "realtime:t", null, JoinConfig.parse(null), null);
    ObjectNode idle = json.createObjectNode().put("status", "idle");
    ObjectNode join = presence.track(owner, "robot-1", idle);
    String ref = join.at("/joins/robot-1/metas/0/phx_ref").asText();
    assertThat(join.at("/leaves").isEmpty()).isTrue();
    assertThat(presence.track(owner, "robot-1", idle.deepCopy())).as("identical re-track").isNull();

    ObjectNode update =
        presence.track(owner, "robot-1", json.createObjectNode().put("status", "busy"));
    assertThat(update.at("/leaves/robot-1/metas/0/phx_ref").asText()).isEqualTo(ref);
    assertThat(update.at("/joins/robot-1/metas/0/phx_ref_prev").asText()).isEqualTo(ref);
    assertThat(update.at("/joins/robot-1/metas/0/status").asText()).isEqualTo("busy");
    assertThat(presence.state().at("/robot-1/metas").size()).isEqualTo(1);

    ObjectNode leave = presence.untrack(owner, "robot-1");
    assertThat(leave.at("/leaves/robot-1/metas/0/status").asText()).isEqualTo("busy");
    assertThat(presence.isEmpty()).isTrue();
    assertThat(presence.untrack(owner, "robot-1")).isNull();
  }

  @Test
  void two_channels_with_the_same_key_are_two_metas() {
    Presence presence = new Presence();
    JoinConfig config = JoinConfig.parse(null);
    Channel a = new Channel(null, "realtime:t", null, config, null);
    Channel b = new Channel(null, "realtime:t", null, config, null);
    presence.track(a, "user", json.createObjectNode().put("tab", 1));
    presence.track(b, "user", json.createObjectNode().put("tab", 2));
    assertThat(presence.state().at("/user/metas").size()).isEqualTo(2);
  }
}
