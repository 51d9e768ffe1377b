package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The presence of one topic: for each presence key the metas tracked by channel instances (one meta
 * per channel). Produces Phoenix's {@code presence_state} and {@code presence_diff} shapes. Methods
 * are synchronized and never do I/O; callers send the returned diff.
 */
final class Presence {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Meta(Channel owner, String ref, ObjectNode fields) {
    ObjectNode toJson(String previousRef) {
      ObjectNode meta = NODES.objectNode();
      meta.put("phx_ref", ref);
      if (previousRef != null) {
        meta.put("phx_ref_prev", previousRef);
      }
      meta.setAll(fields);
      return meta;
    }
  }

  private final Map<String, List<Meta>> byKey = new LinkedHashMap<>();

  /**
   * Tracks or updates {@code owner}'s meta under its presence key.
   *
   * @return the diff to broadcast, or null when the payload is identical to the tracked one
   */
  synchronized ObjectNode track(Channel owner, String key, ObjectNode fields) {
    List<Meta> metas = byKey.computeIfAbsent(key, k -> new ArrayList<>());
    Meta previous = null;
    for (Meta meta : metas) {
      if (meta.owner == owner) {
        previous = meta;
      }
    }
    if (previous != null && previous.fields.equals(fields)) {
      return null;
    }
    Meta next = new Meta(owner, newRef(), fields.deepCopy());
    ObjectNode diff = emptyDiff();
    if (previous != null) {
      metas.remove(previous);
      addMeta(diff.withObjectProperty("leaves"), key, previous.toJson(null));
    }
    metas.add(next);
    addMeta(
        diff.withObjectProperty("joins"), key, next.toJson(previous == null ? null : previous.ref));
    return diff;
  }

  /** Removes {@code owner}'s meta; returns the leave diff, or null when it tracked nothing. */
  synchronized ObjectNode untrack(Channel owner, String key) {
    List<Meta> metas = byKey.get(key);
    if (metas == null) {
      return null;
    }
    for (Meta meta : metas) {
      if (meta.owner == owner) {
        metas.remove(meta);
        if (metas.isEmpty()) {
          byKey.remove(key);
        }
        ObjectNode diff = emptyDiff();
        addMeta(diff.withObjectProperty("leaves"), key, meta.toJson(null));
        return diff;
      }
    }
    return null;
  }

  /** {@code {key: {metas: [...]}}} for every tracked key. */
  synchronized ObjectNode state() {
    ObjectNode state = NODES.objectNode();
    byKey.forEach(
        (key, metas) -> {
          var array = state.putObject(key).putArray("metas");
          metas.forEach(meta -> array.add(meta.toJson(null)));
        });
    return state;
  }

  static ObjectNode emptyState() {
    return NODES.objectNode();
  }

  synchronized boolean isEmpty() {
    return byKey.isEmpty();
  }

  private static ObjectNode emptyDiff() {
    ObjectNode diff = NODES.objectNode();
    diff.putObject("joins");
    diff.putObject("leaves");
    return diff;
  }

  private static void addMeta(ObjectNode side, String key, ObjectNode meta) {
    ObjectNode entry = side.has(key) ? (ObjectNode) side.get(key) : side.putObject(key);
    entry.withArrayProperty("metas").add(meta);
  }

  private static String newRef() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
