package com.casarerpa.fleet.workflow.run;

import static com.casarerpa.fleet.workflow.validate.IssueCodes.*;

import com.casarerpa.fleet.workflow.PathMap;
import com.casarerpa.fleet.workflow.expr.EvaluationException;
import com.casarerpa.fleet.workflow.expr.Expression;
import com.casarerpa.fleet.workflow.model.Connection;
import com.casarerpa.fleet.workflow.model.NodeDefinition;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.nodes.NodeCatalog;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeRegistry;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.casarerpa.fleet.workflow.validate.WorkflowValidationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Compiles a {@link WorkflowDefinition} against a {@link NodeRegistry}: resolves types, builds
 * nodes, wires exec and data connections, adds the auto-start, and runs the graph checks.
 */
public final class PlanBuilder {
  static final String AUTO_START = "__auto_start__";

  private final NodeRegistry registry;
  private final Grants grants;
  private final List<ValidationIssue> issues = new ArrayList<>();
  private final List<PlanNode> nodes = new ArrayList<>();
  private final Map<String, Integer> index = new HashMap<>();
  private final Map<String, NodeType> types = new HashMap<>();

  private PlanBuilder(NodeRegistry registry, Grants grants) {
    this.registry = registry;
    this.grants = grants;
  }

  /** All issues (the definition's warnings included) without building a runnable plan. */
  public static List<ValidationIssue> validate(
      WorkflowDefinition wf, NodeRegistry registry, Grants grants) {
    PlanBuilder b = new PlanBuilder(registry, grants);
    b.compile(wf);
    return List.copyOf(b.issues);
  }

  static ExecutionPlan build(WorkflowDefinition wf, NodeRegistry registry, Grants grants)
      throws WorkflowValidationException {
    PlanBuilder b = new PlanBuilder(registry, grants);
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
    checkRequiredInputs();
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
    checkGrants(def);
    checkConfigKeys(def, type);
    checkWindowsPaths(def, type);
    types.put(def.id(), type);
    pn.undeclaredExecOut = !type.execOutputs().contains("exec_out");
    try {
      pn.node = type.create(pn.config);
    } catch (NodeException | RuntimeException e) {
      issues.add(
          ValidationIssue.error(
              INVALID_CONFIG, def.id(), pn.label() + " has an unusable config: " + e.getMessage()));
    }
    compileCondition(pn);
  }

  /** An input a node fails without, and the original's error when it is missing. */
  private record RequiredInput(List<String> keys, String originalError) {}

  private static final Map<String, RequiredInput> REQUIRED_INPUTS =
      Map.of(
          "RandomChoiceNode",
              new RequiredInput(List.of("items", "list"), "items list cannot be empty"),
          "MergePDFsNode",
              new RequiredInput(List.of("input_files"), "input_files list is required"),
          "SplitPDFNode", new RequiredInput(List.of("input_file"), "input_file is required"));

  /**
   * Warns ({@code MISSING_INPUT}) about a node whose required input is neither configured nor
   * connected: it will fail when it runs, as the original's does. A warning, not an error: the run
   * may never reach it, and the robot does what the original would.
   */
  private void checkRequiredInputs() {
    for (PlanNode pn : nodes) {
      RequiredInput required = REQUIRED_INPUTS.get(pn.type);
      if (pn.disabled || required == null) {
        continue;
      }
      boolean given = false;
      for (String key : required.keys()) {
        Object v = pn.config.raw(key);
        boolean empty =
            v == null
                || (v instanceof String text && text.isBlank())
                || (v instanceof List<?> list && list.isEmpty());
        given |= !empty;
      }
      for (PlanNode.DataInput in : pn.dataInputs) {
        given |= required.keys().contains(in.targetPort());
      }
      if (!given) {
        issues.add(
            ValidationIssue.warning(
                MISSING_INPUT,
                pn.id,
                pn.label()
                    + " has no "
                    + required.keys().getFirst()
                    + " (none configured, none connected), so it fails when it runs, as the"
                    + " original's does (\""
                    + required.originalError()
                    + "\"); give it "
                    + required.keys().getFirst()));
      }
    }
  }

  /** Config keys whose names say they hold a file or folder path. */
  private static final Pattern PATH_KEY =
      Pattern.compile(
          "(?i).*(path|file|dir|folder|destination|location|attachment|output|input).*");

  /**
   * Refuses a Windows absolute path in a path-like config key that the robot's {@link PathMap} does
   * not cover (on a non-Windows robot): the node would fail when it runs, after the nodes before
   * it. Triggers are skipped (their config is not used on a robot, see {@code TriggerNodes}), and
   * so are keys the node does not read (those get {@code UNUSED_CONFIG_KEY}).
   */
  private void checkWindowsPaths(NodeDefinition def, NodeType type) {
    if (def.disabled() || PathMap.WINDOWS_HOST || def.type().endsWith("TriggerNode")) {
      return;
    }
    for (Map.Entry<String, Object> e : def.config().entrySet()) {
      java.util.Set<String> read = type.configKeys();
      if (!PATH_KEY.matcher(e.getKey()).matches() || (read != null && !read.contains(e.getKey()))) {
        continue;
      }
      List<?> values =
          e.getValue() instanceof List<?> l ? l : List.of(String.valueOf(e.getValue()));
      for (Object v : values) {
        if (v instanceof String path
            && PathMap.isWindowsAbsolute(path)
            && grants.pathMap().map(path).isEmpty()) {
          issues.add(
              ValidationIssue.error(
                  UNMAPPED_WINDOWS_PATH,
                  def.id(),
                  "node '"
                      + def.id()
                      + "' ("
                      + def.type()
                      + ") names the Windows path '"
                      + path
                      + "' ("
                      + e.getKey()
                      + "), which this robot has no folder for: "
                      + PathMap.advice(path)));
        }
      }
    }
  }

  /** Warns about config keys the type does not read (a typo, or another node's key). */
  private void checkConfigKeys(NodeDefinition def, NodeType type) {
    java.util.Set<String> known = type.configKeys();
    if (known == null) {
      return;
    }
    for (String key : def.config().keySet()) {
      if (!known.contains(key) && !NodeType.commonConfigKey(key)) {
        issues.add(
            ValidationIssue.warning(
                UNUSED_CONFIG_KEY,
                def.id(),
                "node '"
                    + def.id()
                    + "' ("
                    + def.type()
                    + ") has config key '"
                    + key
                    + "', which it does not read, so it has no effect; it reads "
                    + new java.util.TreeSet<>(known)));
      }
    }
  }

  /**
   * A type the robot has but may not run here: host nodes not allowed, services without secrets.
   */
  private void checkGrants(NodeDefinition def) {
    if (def.disabled()) {
      return;
    }
    NodeCatalog.Entry entry = NodeCatalog.find(def.type()).orElse(null);
    if (entry == null) {
      return;
    }
    if (entry.family() == NodeCatalog.Family.HOST && !grants.host()) {
      issues.add(
          ValidationIssue.error(
              NEEDS_CAPABILITY,
              def.id(),
              "node '"
                  + def.id()
                  + "' ("
                  + def.type()
                  + ") needs capability host: it runs programs or reads the robot's host, which"
                  + " this robot does not allow; the robot operator can enable it (engine option"
                  + " allowRunCommand), or remove the node"));
    } else if (entry.family() == NodeCatalog.Family.SERVICE) {
      checkCredentials(def, entry);
    }
  }

  private boolean checkCredentials(NodeDefinition def, NodeCatalog.Entry entry) {
    if (grants.credentials().lookup(entry.service()).isPresent()) {
      return true;
    }
    issues.add(
        ValidationIssue.error(
            NEEDS_CREDENTIALS,
            def.id(),
            "node '"
                + def.id()
                + "' ("
                + def.type()
                + ") needs "
                + entry.service()
                + " credentials, and this robot has none; add a '"
                + entry.service()
                + "' entry to the robot's credentials configuration (secrets are never read from"
                + " the workflow)"));
    return false;
  }

  private void unknownType(NodeDefinition def) {
    NodeCatalog.Entry entry = NodeCatalog.find(def.type()).orElse(null);
    String capability = registry.missingCapability(def.type());
    if (capability != null) {
      String fix =
          "host".equals(capability)
              ? "; this engine does not provide it (it reads or changes the robot's host): remove it,"
                  + " or install a plugin that provides it on a robot that allows host access"
              : "; run this workflow on a robot with the "
                  + capability
                  + " capability, or install a plugin that provides "
                  + def.type();
      issues.add(
          ValidationIssue.error(
              NEEDS_CAPABILITY,
              def.id(),
              "node '" + def.id() + "' (" + def.type() + ") needs capability " + capability + fix));
      return;
    }
    if (entry != null && entry.family() == NodeCatalog.Family.SERVICE) {
      if (checkCredentials(def, entry)) {
        issues.add(
            ValidationIssue.error(
                UNSUPPORTED_NODE,
                def.id(),
                "node '"
                    + def.id()
                    + "' uses "
                    + def.type()
                    + ", a CasareRPA "
                    + entry.service()
                    + " node this engine does not provide yet; install a plugin that provides it"));
      }
      return;
    }
    if (entry != null) {
      String unsupported = NodeRegistry.unsupportedReason(def.type());
      issues.add(
          ValidationIssue.error(
              UNSUPPORTED_NODE,
              def.id(),
              "node '"
                  + def.id()
                  + "' uses "
                  + def.type()
                  + ", a CasareRPA node this engine does not run ("
                  + (unsupported != null ? unsupported : "not built in")
                  + "); replace it, or install a plugin that provides "
                  + def.type()));
      return;
    }
    String suggestion =
        NodeCatalog.caseInsensitiveMatch(def.type())
            .or(
                () ->
                    registry.names().stream()
                        .filter(n -> n.equalsIgnoreCase(def.type()))
                        .findFirst())
            .map(n -> " Did you mean '" + n + "'?")
            .orElse("");
    issues.add(
        ValidationIssue.error(
            NOT_IN_ORIGINAL,
            def.id(),
            "node '"
                + def.id()
                + "' has node_type '"
                + def.type()
                + "', which is not a CasareRPA node type (the original's registry has no such"
                + " name either, so its engine refuses it too)."
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
      boolean trigger = pn.type.contains("Trigger");
      if (execIn && !hasExecIn[pn.index] && !trigger && !pairedHandler) {
        auto.addTarget("exec_out", pn.index);
        roots.add(pn.id);
      } else if (trigger && !hasExecIn[pn.index]) {
        // the original's loader: the hidden start takes over each trigger's exec_out targets; a
        // trigger reached mid-chain runs as a pass-through
        for (int target : pn.targets("exec_out")) {
          auto.addTarget("exec_out", target);
          roots.add(nodes.get(target).id);
        }
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
