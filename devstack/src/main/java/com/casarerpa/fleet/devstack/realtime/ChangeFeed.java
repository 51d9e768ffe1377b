package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/** postgres_changes subscriptions (work in progress: capture not wired yet). */
final class ChangeFeed {
  /** One stable id per spec: a hash of the spec's fields, so identical specs share an id. */
  static List<Integer> specIds(List<ObjectNode> specs) {
    List<Integer> ids = new ArrayList<>();
    for (ObjectNode spec : specs) {
      Map<String, String> sorted = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sorted.put(e.getKey(), e.getValue().toString());
      }
      CRC32 crc = new CRC32();
      crc.update(sorted.toString().getBytes(StandardCharsets.UTF_8));
      ids.add((int) (crc.getValue() & ((1 << 27) - 1)));
    }
    return ids;
  }

  void subscribe(Channel channel, List<ObjectNode> specs, List<Integer> ids) {
    channel.pushSystem(
        "postgres_changes", "error", "postgres_changes are not available on this server yet");
  }
}
