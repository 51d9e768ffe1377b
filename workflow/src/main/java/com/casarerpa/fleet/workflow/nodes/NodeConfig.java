package com.casarerpa.fleet.workflow.nodes;

import com.casarerpa.fleet.workflow.template.Template;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** A node's config with every value compiled once into a {@link Template}. */
public final class NodeConfig {
  private final String nodeId;
  private final String nodeType;
  private final Map<String, Object> raw;
  private final Map<String, Template> compiled;

  public NodeConfig(String nodeId, String nodeType, Map<String, Object> raw) {
    this.nodeId = nodeId;
    this.nodeType = nodeType;
    this.raw = Collections.unmodifiableMap(raw);
    this.compiled = new HashMap<>();
    raw.forEach((k, v) -> compiled.put(k, Template.compile(v)));
  }

  public String nodeId() {
    return nodeId;
  }

  public String nodeType() {
    return nodeType;
  }

  /** The value as written (templates unresolved), or null. */
  public Object raw(String key) {
    return raw.get(key);
  }

  public boolean has(String key) {
    return raw.containsKey(key) && raw.get(key) != null;
  }

  /** The compiled template for {@code key}, or null. */
  public Template template(String key) {
    return compiled.get(key);
  }

  public Map<String, Object> rawMap() {
    return raw;
  }

  /** The raw value as text, or {@code fallback}. */
  public String text(String key, String fallback) {
    Object v = raw.get(key);
    return v == null ? fallback : v.toString();
  }
}
