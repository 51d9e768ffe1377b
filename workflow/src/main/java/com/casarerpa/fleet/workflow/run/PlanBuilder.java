package com.casarerpa.fleet.workflow.run;

import static com.casarerpa.fleet.workflow.validate.IssueCodes.*;

import com.casarerpa.fleet.workflow.expr.EvaluationException;
import com.casarerpa.fleet.workflow.expr.Expression;
import com.casarerpa.fleet.workflow.model.Connection;
import com.casarerpa.fleet.workflow.model.NodeDefinition;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeRegistry;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.casarerpa.fleet.workflow.validate.WorkflowValidationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compiles a {@link WorkflowDefinition} against a {@link NodeRegistry}: resolves types, builds
 * nodes, wires exec and data connections, adds the auto-start, and runs the graph checks.
 */
public final class PlanBuilder {
  static final String AUTO_START = "__auto_start__";

  private final NodeRegistry registry;
  private final List<ValidationIssue> issues = new ArrayList<>();
  private final List<PlanNode> nodes = new ArrayList<>();
  private final Map<String, Integer> index = new HashMap<>();
  private final Map<String, NodeType> types = new HashMap<>();

  private PlanBuilder(NodeRegistry registry) {
    this.registry = registry;
  }

  /** All issues (the definition's warnings included) without building a runnable plan. */
  public static List<ValidationIssue> validate(WorkflowDefinition wf, NodeRegistry registry) {
    PlanBuilder b = new PlanBuilder(registry);
    b.compile(wf);
    return List.copyOf(b.issues);
  }

  static ExecutionPlan build(WorkflowDefinition wf, NodeRegistry registry)
      throws WorkflowValidationException {
    PlanBuilder b = new PlanBuilder(registry);
    ExecutionPlan plan = b.compile(wf);
    if (b.issues.stream().anyMatch(ValidationIssue::isError)) {
      throw new WorkflowValidationException(b.issues);
    }
    return plan;
  }

  private ExecutionPlan compile(WorkflowDefinition wf) {
    issues.addAll(wf.warnings());
    for (NodeDefinition def : wf.nodes().values()) {
      addNode(def);
    }
    int userNodes = nodes.size();
    boolean[] hasExecIn = wire(wf.connections());
    int entry = entry(hasExecIn);
    PlanNode[] array = nodes.toArray(PlanNode[]::new);
    new GraphAnalysis(array, entry, issues).run();
    return new ExecutionPlan(wf, array, entry, issues, userNodes);
  }

  private void addNode(NodeDefinition def) {
    NodeType type = registry.find(def.type());
    PlanNode pn =
        new PlanNode(
            nodes.size(),
            def.id(),
            def.type(),
            new NodeConfig(def.id(), def.type(), def.config()),
            def.disabled());
    nodes.add(pn);
    index.put(def.id(), pn.index);
    if (type == null) {
      unknownType(def);
      return;
    }
    types.put(def.id(), type);
    try {
      pn.node = type.create(pn.config);
    } catch (NodeException | RuntimeException e) {
      issues.add(
          ValidationIssue.error(
              INVALID_CONFIG, def.id(), pn.label() + " has an unusable config: " + e.getMessage()));
    }
    compileCondition(pn);
  }

  private void unknownType(NodeDefinition def) {
    String capability = registry.missingCapability(def.type());
    if (capability != null) {
      issues.add(
          ValidationIssue.error(
              NEEDS_CAPABILITY,
              def.id(),
              "node '"
                  + def.id()
                  + "' ("
                  + def.type()
                  + ") needs capability "
                  + capability
                  + "; run this workflow on a robot with the "
                  + capability
                  + " capability, or install a plugin that provides "
                  + def.type()));
      return;
    }
    String unsupported = NodeRegistry.unsupportedReason(def.type());
    if (unsupported != null) {
      issues.add(
          ValidationIssue.error(
              UNKNOWN_NODE_TYPE,
              def.id(),
              "node '"
                  + def.id()
                  + "' uses "
                  + def.type()
                  + ", a CasareRPA node this engine does not run ("
                  + unsupported
                  + "); replace it, or install a plugin that provides "
                  + def.type()));
      return;
    }
    String suggestion =
        registry.names().stream()
            .filter(n -> n.toLowerCase(Locale.ROOT).equals(def.type().toLowerCase(Locale.ROOT)))
            .findFirst()
            .map(n -> " Did you mean '" + n + "'?")
            .orElse("");
    issues.add(
        ValidationIssue.error(
            UNKNOWN_NODE_TYPE,
            def.id(),
            "node '"
                + def.id()
                + "' has unknown node_type '"
                + def.type()
                + "'."
                + suggestion
                + " Fix the type name or install the plugin that provides it."));
  }

  private void compileCondition(PlanNode pn) {
    String key =
        switch (pn.kind) {
          case IF, WHILE_START, ASSERT -> "condition";
          case SWITCH -> null;
          default -> "";
        };
    if ("".equals(key)) {
      return;
    }
    Object source = blankToNull(pn.config.raw("expression"));
    if (source == null && key != null) {
      source = blankToNull(pn.config.raw(key));
    }
    if (source == null) {
      return;
    }
    if (!(source instanceof String text)) {
      Object constant = source;
      pn.condition = s -> constant;
      return;
    }
    try {
      pn.condition = Expression.parse(text);
    } catch (EvaluationException e) {
      issues.add(
          ValidationIssue.error(
              INVALID_CONFIG,
              pn.id,
              pn.label()
                  + " has an invalid expression: "
                  + e.getMessage()
                  + ". Use comparisons, and/or/not, arithmetic and variable names such as {{count}} > 3"));
    }
  }

  private static Object blankToNull(Object v) {
    return v instanceof String s && s.isBlank() ? null : v;
  }

  /** Wires connections; returns which nodes have an incoming exec connection. */
  private boolean[] wire(List<Connection> connections) {
    boolean[] hasExecIn = new boolean[nodes.size() + 1];
    Map<Integer, List<PlanNode.DataInput>> data = new HashMap<>();
    for (Connection c : connections) {
      Integer s = index.get(c.sourceNode());
      Integer t = index.get(c.targetNode());
      if (s == null || t == null) {
        continue;
      }
      if (isExec(c)) {
        nodes.get(s).addTarget(c.sourcePort(), t);
        hasExecIn[t] = true;
      } else {
        data.computeIfAbsent(t, k -> new ArrayList<>())
            .add(new PlanNode.DataInput(s, c.sourcePort(), c.targetPort()));
      }
    }
    data.forEach((t, list) -> nodes.get(t).dataInputs = list.toArray(PlanNode.DataInput[]::new));
    return hasExecIn;
  }

  private boolean isExec(Connection c) {
    if (c.targetPort().contains("exec") || c.sourcePort().contains("exec")) {
      return true;
    }
    NodeType source = types.get(c.sourceNode());
    String port = c.sourcePort();
    if (source != null && source.execOutputs().contains(port)) {
      return true;
    }
    return "SwitchNode".equals(nodes.get(index.get(c.sourceNode())).type)
        && port.startsWith("case_");
  }

  /** The first StartNode, or a synthetic one wired to every node without an incoming exec edge. */
  private int entry(boolean[] hasExecIn) {
    for (PlanNode pn : nodes) {
      if (pn.kind == ControlKind.START) {
        return pn.index;
      }
    }
    PlanNode auto =
        new PlanNode(
            nodes.size(),
            AUTO_START,
            "StartNode",
            new NodeConfig(AUTO_START, "StartNode", Map.of()),
            false);
    List<String> roots = new ArrayList<>();
    for (PlanNode pn : nodes) {
      NodeType type = types.get(pn.id);
      boolean execIn = type == null || type.hasExecInput();
      boolean pairedHandler =
          (pn.kind == ControlKind.CATCH || pn.kind == ControlKind.FINALLY)
              && pn.config.has("paired_try_id");
      if (execIn && !hasExecIn[pn.index] && !pn.type.contains("Trigger") && !pairedHandler) {
        auto.addTarget("exec_out", pn.index);
        roots.add(pn.id);
      }
    }
    nodes.add(auto);
    if (roots.size() != 1) {
      issues.add(
          ValidationIssue.warning(
              NO_ENTRY_POINT,
              null,
              "the workflow has no StartNode; the run starts at every node without an incoming exec connection: "
                  + roots
                  + ". Add a StartNode to make the entry explicit"));
    }
    return auto.index;
  }
}
