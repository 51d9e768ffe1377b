package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.Node;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import java.util.List;

/**
 * Control-flow types. The engine executes them itself (they steer the run, not data); these
 * declarations give the registry their names and exec ports.
 */
public final class ControlFlowTypes {
  private ControlFlowTypes() {}

  static List<NodeType> all() {
    return List.of(
        control("StartNode", false, "exec_out"),
        control("IfNode", true, "true", "false"),
        control("SwitchNode", true, "default", "exec_out"),
        control("ForLoopStartNode", true, "body", "completed"),
        control("ForLoopEndNode", true),
        control("WhileLoopStartNode", true, "body", "completed"),
        control("WhileLoopEndNode", true),
        control("BreakNode", true),
        control("ContinueNode", true),
        control("TryNode", true, "try_body", "exec_out", "success", "catch"),
        control("CatchNode", true, "catch_body", "exec_out"),
        control("FinallyNode", true, "finally_body", "exec_out"),
        control("RetryNode", true, "body", "retry_body", "exec_out", "success", "failed"),
        control("OnErrorNode", true, "protected_body", "on_error", "finally"),
        control("ThrowErrorNode", true),
        control("AssertNode", true, "exec_out"));
  }

  private static NodeType control(String name, boolean execIn, String... outs) {
    return new NodeType() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<String> execOutputs() {
        return List.of(outs);
      }

      @Override
      public boolean hasExecInput() {
        return execIn;
      }

      @Override
      public Node create(NodeConfig config) {
        return ctx -> {
          throw new IllegalStateException(name + " is executed by the engine");
        };
      }
    };
  }
}
