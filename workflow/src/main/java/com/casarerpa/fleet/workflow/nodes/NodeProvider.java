package com.casarerpa.fleet.workflow.nodes;

import java.util.Collection;

/**
 * Service-provider interface: list an implementation in {@code
 * META-INF/services/com.casarerpa.fleet.workflow.nodes.NodeProvider} of your jar and put the jar on
 * the class path; its types are then known to {@link NodeRegistry#standard()}. A provider type with
 * the same name as a built-in replaces it (how a browser plugin provides {@code ClickElementNode}).
 */
public interface NodeProvider {
  Collection<NodeType> nodeTypes();
}
