package com.casarerpa.fleet.workflow.nodes;

import java.util.List;
import java.util.Locale;

/** A user's node library, as a plugin jar would ship it: registered in META-INF/services. */
public final class EchoNodeProvider implements NodeProvider {
  @Override
  public List<NodeType> nodeTypes() {
    return List.of(
        NodeType.of(
            "EchoTestNode",
            config -> {
              String prefix = config.text("prefix", "");
              return ctx -> {
                ctx.output("echo", prefix + ctx.string("text", "").toUpperCase(Locale.ROOT));
                return NodeResult.next();
              };
            }));
  }
}
