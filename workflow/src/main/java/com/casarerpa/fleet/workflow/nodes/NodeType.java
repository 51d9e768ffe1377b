package com.casarerpa.fleet.workflow.nodes;

import java.util.List;

/**
 * A kind of node, named like the original's class ({@code LogNode}). Implement it (and list it from
 * a {@link NodeProvider}) to add node types without forking the engine.
 */
public interface NodeType {
  /** The {@code node_type} this handles. */
  String name();

  /** Exec output ports; routing follows these. Default {@code exec_out}. */
  default List<String> execOutputs() {
    return List.of("exec_out");
  }

  /** False for nodes without {@code exec_in} (Start, Comment); auto-start skips them. */
  default boolean hasExecInput() {
    return true;
  }

  /**
   * The config keys this type reads, or null when it does not say (then validation does not warn
   * about unread keys). Types made with {@link #of} use the built-in table.
   */
  default java.util.Set<String> configKeys() {
    return ConfigKeys.of(name());
  }

  /** True when {@code key} may appear in any node's config ({@code _disabled}, ...). */
  static boolean commonConfigKey(String key) {
    return ConfigKeys.acceptedEverywhere(key);
  }

  /**
   * Builds the node once per run plan; do config parsing here, not in {@link Node#execute}.
   *
   * @throws NodeException when the config is unusable (reported as {@code INVALID_CONFIG})
   */
  Node create(NodeConfig config) throws NodeException;

  /** A type with the default ports whose nodes are built by {@code factory}. */
  static NodeType of(String name, Factory factory) {
    return new NodeType() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Node create(NodeConfig config) throws NodeException {
        return factory.create(config);
      }
    };
  }

  /** Builds a node from its config. */
  @FunctionalInterface
  interface Factory {
    Node create(NodeConfig config) throws NodeException;
  }
}
