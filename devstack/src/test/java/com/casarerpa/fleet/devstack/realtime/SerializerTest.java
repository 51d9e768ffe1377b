package com.casarerpa.fleet.devstack.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SerializerTest {
  private final ObjectMapper json = new ObjectMapper();
  private final Serializer v1 = Serializer.forVersion("1.0.0", json);
  private final Serializer v2 = Serializer.forVersion("2.0.0", json);

  @Test
  void vsn_is_negotiated_as_phoenix_does() {
    assertThat(Serializer.forVersion(null, json)).isInstanceOf(JsonObjectSerializer.class);
    assertThat(Serializer.forVersion("1.0.3", json)).isInstanceOf(JsonObjectSerializer.class);
    assertThat(Serializer.forVersion("2.0.0", json)).isInstanceOf(JsonArraySerializer.class);
    assertThat(Serializer.forVersion("3.0.0", json)).isNull();
    assertThat(Serializer.forVersion("banana", json)).isNull();
  }

  @Test
  void v1_needs_topic_event_payload_and_ref_and_never_emits_join_ref() throws Exception {
    PhoenixMessage m =
        v1.decode(
            "{\"topic\":\"realtime:a\",\"event\":\"phx_join\",\"payload\":{},\"ref\":\"1\",\"join_ref\":\"1\"}");
    assertThat(m.joinRef().asText()).isEqualTo("1");
    assertThatThrownBy(() -> v1.decode("{\"topic\":\"t\",\"event\":\"e\",\"payload\":{}}"))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("ref");
    assertThat(v1.encode(PhoenixMessage.ok(m)).text())
        .isEqualTo(
            "{\"topic\":\"realtime:a\",\"event\":\"phx_reply\",\"payload\":{\"status\":\"ok\",\"response\":{}},\"ref\":\"1\"}");
  }

  @Test
  void v2_text_frames_are_five_element_arrays() throws Exception {
    PhoenixMessage m =
        v2.decode("[\"1\",\"2\",\"realtime:a\",\"broadcast\",{\"type\":\"broadcast\"}]");
    assertThat(m.topic()).isEqualTo("realtime:a");
    assertThat(v2.encode(PhoenixMessage.ok(m)).text())
        .isEqualTo(
            "[\"1\",\"2\",\"realtime:a\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]");
    assertThatThrownBy(() -> v2.decode("[\"1\",\"2\",\"realtime:a\"]"))
        .isInstanceOf(MalformedFrameException.class);
  }

  @Test
  void v2_binary_push_decodes_and_re_encodes_as_kind_4_and_as_json_for_v1() throws Exception {
    ByteArrayOutputStream push = new ByteArrayOutputStream();
    push.writeBytes(new byte[] {3, 1, 1, 17, 9, 0, 1});
    push.writeBytes("19realtime:robot-42telemetry".getBytes(StandardCharsets.UTF_8));
    push.writeBytes("{\"battery\":0.8}".getBytes(StandardCharsets.UTF_8));
    PhoenixMessage m = v2.decode(ByteBuffer.wrap(push.toByteArray()));
    assertThat(m.joinRef().asText()).isEqualTo("1");
    assertThat(m.ref().asText()).isEqualTo("9");
    assertThat(m.userPayload().event()).isEqualTo("telemetry");

    Broadcast b = Broadcast.fromBinaryPush(json, m.topic(), false, m.userPayload());
    ByteBuffer out = v2.encode(b).binary();
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    assertThat(bytes[0]).isEqualTo((byte) 4);
    assertThat(new String(bytes, 5, bytes.length - 5, StandardCharsets.UTF_8))
        .isEqualTo("realtime:robot-42telemetry{\"battery\":0.8}");
    assertThat(v1.encode(b).text())
        .isEqualTo(
            "{\"topic\":\"realtime:robot-42\",\"event\":\"broadcast\",\"payload\":{\"type\":\"broadcast\",\"event\":\"telemetry\",\"payload\":{\"battery\":0.8}},\"ref\":null}");
  }

  @Test
  void a_raw_binary_broadcast_reaches_no_v1_socket() {
    Broadcast b =
        Broadcast.fromBinaryPush(
            json,
            "realtime:x",
            false,
            new PhoenixMessage.UserPayload("e", false, new byte[] {1, 2}));
    assertThat(v1.encode(b)).isNull();
    assertThat(v2.encode(b).binary()).isNotNull();
  }

  @Test
  void truncated_binary_frames_are_malformed() {
    assertThatThrownBy(() -> v2.decode(ByteBuffer.wrap(new byte[] {3, 9, 9, 9, 9, 9, 1, 0})))
        .isInstanceOf(MalformedFrameException.class);
    assertThatThrownBy(() -> v2.decode(ByteBuffer.wrap(new byte[] {4, 0, 0, 0, 0, 0, 0})))
        .isInstanceOf(MalformedFrameException.class);
  }

  @Test
  void rest_broadcast_with_an_id_carries_meta_in_both_forms() {
    ObjectNode payload = json.createObjectNode().put("cmd", "stop");
    Broadcast b = Broadcast.user(json, "realtime:t", false, "command", payload, "m-1", true);
    assertThat(b.envelope().toString())
        .isEqualTo(
            "{\"type\":\"broadcast\",\"event\":\"command\",\"payload\":{\"cmd\":\"stop\"},\"meta\":{\"id\":\"m-1\"}}");
    assertThat(b.user().metadata()).isEqualTo("{\"id\":\"m-1\"}");
  }
}
