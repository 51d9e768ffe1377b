package com.casarerpa.fleet.workflow.nodes;

import com.casarerpa.fleet.workflow.nodes.builtin.BuiltinNodes;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The node types an engine knows: the built-in headless library plus every {@link NodeProvider}
 * found with {@link ServiceLoader}. Immutable once built; lookups are plain map reads.
 */
public final class NodeRegistry {
  private final Map<String, NodeType> types;

  private NodeRegistry(Map<String, NodeType> types) {
    this.types = Collections.unmodifiableMap(types);
  }

  /** Built-ins plus providers visible to this class's loader and the context class loader. */
  public static NodeRegistry standard() {
    return builder().addBuiltins().addServiceProviders(NodeRegistry.class.getClassLoader()).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The type named {@code name}, or null. A name the original registers as an alias of a headless
   * class (e.g. {@code BrowserWaitNode} for {@code WaitNode}) finds the aliased type.
   */
  public NodeType find(String name) {
    NodeType t = types.get(name);
    if (t != null) {
      return t;
    }
    return NodeCatalog.find(name)
        .filter(e -> e.aliasOf() != null && e.family() == NodeCatalog.Family.HEADLESS)
        .map(e -> types.get(e.aliasOf()))
        .orElse(null);
  }

  public Set<String> names() {
    return new TreeSet<>(types.keySet());
  }

  /**
   * The capability a type needs when it is a browser or desktop type no plugin provides ("browser"
   * or "desktop"), else null.
   */
  public String missingCapability(String name) {
    if (find(name) != null) {
      return null;
    }
    String fromOriginal = NodeCatalog.find(name).map(NodeCatalog.Entry::capability).orElse(null);
    return fromOriginal != null ? fromOriginal : Capabilities.of(name);
  }

  /**
   * Why a known CasareRPA type is not built in (parallel branches, sub-workflows, script runners,
   * host inspection), or null when the name is not one of those.
   */
  public static String unsupportedReason(String type) {
    return switch (type) {
      case "ForkNode", "JoinNode", "ParallelForEachNode" -> "parallel branches are not supported";
      case "SubflowNode", "CallSubworkflowNode", "ExecuteWorkflowNode" ->
          "sub-workflows are not supported";
      case "RunPythonScriptNode", "RunJavaScriptNode", "EvalExpressionNode", "RunPowerShellNode" ->
          "running scripts on the robot is not allowed";
      case "SystemInfoNode",
          "EnvironmentVariableNode",
          "ProcessListNode",
          "ProcessKillNode",
          "ListServicesNode",
          "GetServiceStatusNode" ->
          "reading or changing the robot's host is not allowed";
      default -> null;
    };
  }

  /** Collects types; later additions with the same name replace earlier ones. */
  public static final class Builder {
    private final Map<String, NodeType> types = new LinkedHashMap<>();

    public Builder addBuiltins() {
      return addAll(BuiltinNodes.all());
    }

    public Builder addServiceProviders(ClassLoader loader) {
      for (NodeProvider provider : ServiceLoader.load(NodeProvider.class, loader)) {
        addAll(provider.nodeTypes());
      }
      return this;
    }

    public Builder add(NodeType type) {
      types.put(type.name(), type);
      return this;
    }

    public Builder addAll(Collection<NodeType> all) {
      all.forEach(this::add);
      return this;
    }

    public NodeRegistry build() {
      return new NodeRegistry(new LinkedHashMap<>(types));
    }
  }
}
