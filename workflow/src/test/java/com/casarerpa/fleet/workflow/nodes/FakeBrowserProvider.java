package com.casarerpa.fleet.workflow.nodes;

import java.util.List;

/** Stands in for a browser plugin: provides ClickElementNode so it is no longer refused. */
public final class FakeBrowserProvider implements NodeProvider {
  @Override
  public List<NodeType> nodeTypes() {
    return List.of(
        NodeType.of(
            "ClickElementNode",
            config ->
                ctx -> {
                  ctx.output("clicked", ctx.string("selector", ""));
                  return NodeResult.next();
                }));
  }
}
