package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.expr.EvaluationException;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.util.ArrayList;
import java.util.List;

/**
 * SwitchNode: the value comes from the {@code value} input port, config {@code value} (fixture
 * form) or the {@code expression}. It routes to {@code case_<index>} (fixture form) and {@code
 * case_<value>} (original form) of the first matching entry of {@code cases}, else {@code default}.
 */
final class SwitchRouting {
  private SwitchRouting() {}

  static List<String> route(PlanNode pn, RunContext ctx) throws NodeException {
    Object value = ctx.input("value");
    if (value == null) {
      value = ctx.param("value");
    }
    if (value == null && pn.condition != null) {
      try {
        value = pn.condition.evaluate(ctx.scope());
      } catch (EvaluationException e) {
        throw new NodeException(
            "node '" + pn.id + "' cannot evaluate its expression: " + e.getMessage());
      }
    }
    String text = PythonText.str(value);
    ctx.output("value", value);
    List<?> cases = cases(ctx.param("cases"));
    for (int i = 0; i < cases.size(); i++) {
      if (PythonText.str(cases.get(i)).equals(text)) {
        List<String> ports = new ArrayList<>(2);
        ports.add("case_" + i);
        if (!text.equals(String.valueOf(i))) {
          ports.add("case_" + text);
        }
        ctx.output("matched_case", (long) i);
        return ports;
      }
    }
    if (cases.isEmpty() && value != null) {
      return List.of("case_" + text, "default")
          .subList(pn.targets("case_" + text).length > 0 ? 0 : 1, 2);
    }
    return List.of("default");
  }

  private static List<?> cases(Object raw) {
    if (raw instanceof List<?> list) {
      return list;
    }
    if (raw instanceof String s && !s.isBlank()) {
      return List.of(s.split("\\s*,\\s*"));
    }
    return List.of();
  }
}
