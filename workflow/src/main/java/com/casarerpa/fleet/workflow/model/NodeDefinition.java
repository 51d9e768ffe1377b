package com.casarerpa.fleet.workflow.model;

import java.util.Map;

/** One node as written in the workflow: id, type (class name), config and display name. */
public record NodeDefinition(String id, String type, Map<String, Object> config, String name) {
  public NodeDefinition {
    config = config == null ? Map.of() : config;
  }

  /** True when {@code config._disabled} is set: the node passes inputs through and succeeds. */
  public boolean disabled() {
    return Boolean.TRUE.equals(config.get("_disabled"));
  }
}
