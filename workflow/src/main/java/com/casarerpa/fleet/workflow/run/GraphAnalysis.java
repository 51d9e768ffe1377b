package com.casarerpa.fleet.workflow.run;

import static com.casarerpa.fleet.workflow.validate.IssueCodes.*;

import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;

/**
 * Graph checks and structure over exec edges: cycles ({@code CIRCULAR_DEPENDENCY}), reachability
 * ({@code UNREACHABLE_NODES}), loop bodies and pairing of loop ends, Break/Continue, Catch and
 * Finally.
 */
final class GraphAnalysis {
  private final PlanNode[] nodes;
  private final int entry;
  private final List<ValidationIssue> issues;

  GraphAnalysis(PlanNode[] nodes, int entry, List<ValidationIssue> issues) {
    this.nodes = nodes;
    this.entry = entry;
    this.issues = issues;
  }

  void run() {
    if (findCycle()) {
      return;
    }
    bodies();
    pairLoopControls();
    pairTryHandlers();
    reachability();
  }

  private boolean findCycle() {
    int[] color = new int[nodes.length];
    int[] parent = new int[nodes.length];
    for (int root = 0; root < nodes.length; root++) {
      if (color[root] != 0) {
        continue;
      }
      Deque<int[]> stack = new ArrayDeque<>();
      stack.push(new int[] {root, 0});
      color[root] = 1;
      parent[root] = -1;
      while (!stack.isEmpty()) {
        int[] frame = stack.peek();
        int[] succ = successors(frame[0]);
        if (frame[1] < succ.length) {
          int next = succ[frame[1]++];
          if (color[next] == 1) {
            reportCycle(frame[0], next, parent);
            return true;
          }
          if (color[next] == 0) {
            color[next] = 1;
            parent[next] = frame[0];
            stack.push(new int[] {next, 0});
          }
        } else {
          color[frame[0]] = 2;
          stack.pop();
        }
      }
    }
    return false;
  }

  private void reportCycle(int from, int to, int[] parent) {
    List<String> path = new ArrayList<>();
    for (int n = from; n != -1 && n != to; n = parent[n]) {
      path.addFirst(nodes[n].id);
    }
    path.addFirst(nodes[to].id);
    path.add(nodes[to].id);
    issues.add(
        ValidationIssue.error(
            CIRCULAR_DEPENDENCY,
            nodes[to].id,
            "exec connections form a cycle: "
                + String.join(" -> ", path)
                + ". Loops must not draw a back-edge; end the loop body at a ForLoopEndNode or WhileLoopEndNode paired with its start"));
  }

  private int[] successors(int n) {
    int total = 0;
    for (int[] t : nodes[n].execTargets.values()) {
      total += t.length;
    }
    int[] out = new int[total];
    int i = 0;
    for (int[] t : nodes[n].execTargets.values()) {
      for (int x : t) {
        out[i++] = x;
      }
    }
    return out;
  }

  /** Loop starts, Retry and Try: the nodes reachable from their body ports. */
  private void bodies() {
    for (PlanNode pn : nodes) {
      switch (pn.kind) {
        case FOR_START, WHILE_START -> pn.body = reach(pn, "body");
        case RETRY -> pn.body = reach(pn, "body", "retry_body");
        case TRY -> pn.body = reach(pn, "try_body");
        case ON_ERROR -> pn.body = reach(pn, "protected_body");
        default -> {}
      }
    }
  }

  private int[] reach(PlanNode from, String... ports) {
    BitSet seen = new BitSet(nodes.length);
    Deque<Integer> queue = new ArrayDeque<>();
    for (String port : ports) {
      for (int t : from.targets(port)) {
        queue.add(t);
      }
    }
    while (!queue.isEmpty()) {
      int n = queue.poll();
      if (n == from.index || seen.get(n)) {
        continue;
      }
      seen.set(n);
      ControlKind k = nodes[n].kind;
      boolean stop =
          k == ControlKind.FOR_END
              || k == ControlKind.WHILE_END
              || (from.kind == ControlKind.TRY
                  && (k == ControlKind.CATCH || k == ControlKind.FINALLY));
      if (!stop) {
        for (int t : successors(n)) {
          queue.add(t);
        }
      }
    }
    return seen.stream().toArray();
  }

  private void pairLoopControls() {
    for (PlanNode pn : nodes) {
      switch (pn.kind) {
        case FOR_END, WHILE_END -> pn.paired = pairLoop(pn, "paired_start_id");
        case BREAK, CONTINUE -> pn.paired = pairLoop(pn, "paired_loop_start_id");
        default -> {}
      }
    }
  }

  private int pairLoop(PlanNode pn, String key) {
    String wanted =
        pn.config.has(key) ? pn.config.text(key, "") : pn.config.text("paired_start_id", "");
    if (!wanted.isBlank()) {
      for (PlanNode candidate : nodes) {
        if (candidate.id.equals(wanted)) {
          if (candidate.kind.isLoopStart()) {
            return candidate.index;
          }
          break;
        }
      }
      issues.add(
          ValidationIssue.error(
              INVALID_CONFIG,
              pn.id,
              pn.label()
                  + " has "
                  + key
                  + " '"
                  + wanted
                  + "', which is not a ForLoopStartNode or WhileLoopStartNode; set it to the id of its loop start"));
      return PlanNode.NONE;
    }
    int best = innermostLoop(pn.index);
    if (best == PlanNode.NONE) {
      issues.add(
          ValidationIssue.error(
              INVALID_CONFIG,
              pn.id,
              pn.label()
                  + " is not inside a loop body; connect it after a loop start's body port or set "
                  + key));
    }
    return best;
  }

  private int innermostLoop(int node) {
    int best = PlanNode.NONE;
    for (PlanNode start : nodes) {
      if (start.kind.isLoopStart()
          && contains(start.body, node)
          && (best == PlanNode.NONE || start.body.length < nodes[best].body.length)) {
        best = start.index;
      }
    }
    return best;
  }

  private static boolean contains(int[] sorted, int x) {
    return java.util.Arrays.binarySearch(sorted, x) >= 0;
  }

  /** Catch/Finally: by {@code paired_try_id}, else the first one after the Try's exec_out/catch. */
  private void pairTryHandlers() {
    for (PlanNode handler : nodes) {
      if ((handler.kind == ControlKind.CATCH || handler.kind == ControlKind.FINALLY)
          && handler.config.has("paired_try_id")) {
        String wanted = handler.config.text("paired_try_id", "");
        for (PlanNode t : nodes) {
          if (t.id.equals(wanted) && t.kind == ControlKind.TRY) {
            attach(t, handler);
          }
        }
        if (handler.paired == PlanNode.NONE) {
          issues.add(
              ValidationIssue.error(
                  INVALID_CONFIG,
                  handler.id,
                  "node '"
                      + handler.id
                      + "' has paired_try_id '"
                      + wanted
                      + "', which is not a TryNode; set it to its TryNode's id"));
        }
      }
    }
    for (PlanNode t : nodes) {
      if (t.kind == ControlKind.TRY) {
        attachFirst(t, reach(t, "exec_out", "catch", "success"));
        if (t.catchNode != PlanNode.NONE && t.finallyNode == PlanNode.NONE) {
          attachFirst(t, reach(nodes[t.catchNode], "exec_out"));
        }
      }
    }
  }

  private void attachFirst(PlanNode tryNode, int[] candidates) {
    for (int n : candidates) {
      PlanNode h = nodes[n];
      if ((h.kind == ControlKind.CATCH || h.kind == ControlKind.FINALLY)
          && h.paired == PlanNode.NONE) {
        attach(tryNode, h);
      }
    }
  }

  private static void attach(PlanNode tryNode, PlanNode handler) {
    if (handler.kind == ControlKind.CATCH && tryNode.catchNode == PlanNode.NONE) {
      tryNode.catchNode = handler.index;
      handler.paired = tryNode.index;
    } else if (handler.kind == ControlKind.FINALLY && tryNode.finallyNode == PlanNode.NONE) {
      tryNode.finallyNode = handler.index;
      handler.paired = tryNode.index;
    }
  }

  private void reachability() {
    BitSet seen = new BitSet(nodes.length);
    Deque<Integer> queue = new ArrayDeque<>(List.of(entry));
    while (!queue.isEmpty()) {
      int n = queue.poll();
      if (seen.get(n)) {
        continue;
      }
      seen.set(n);
      for (int t : successors(n)) {
        queue.add(t);
      }
      PlanNode pn = nodes[n];
      if (pn.catchNode != PlanNode.NONE) {
        queue.add(pn.catchNode);
      }
      if (pn.finallyNode != PlanNode.NONE) {
        queue.add(pn.finallyNode);
      }
    }
    List<String> unreachable = new ArrayList<>();
    for (PlanNode pn : nodes) {
      if (!seen.get(pn.index) && !pn.type.equals("CommentNode") && !pn.type.contains("Trigger")) {
        unreachable.add(pn.id);
      }
    }
    if (!unreachable.isEmpty()) {
      issues.add(
          ValidationIssue.warning(
              UNREACHABLE_NODES,
              unreachable.getFirst(),
              "these nodes are never reached from the start and will not run: "
                  + unreachable
                  + ". Connect them with exec connections or remove them"));
    }
  }
}
