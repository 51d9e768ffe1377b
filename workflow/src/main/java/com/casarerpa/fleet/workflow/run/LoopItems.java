package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.expr.PyOps;
import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a ForLoopStartNode iterates: the {@code items} input port; else config {@code list_var} (a
 * variable name or a template); else config {@code items} (the form the fixtures use); else {@code
 * range(start, end, step)} ({@code mode: range}, or nothing given). A dict iterates its values with
 * {@code current_key}; a number n iterates {@code range(n)}.
 */
final class LoopItems {
  private final RunContext ctx;

  LoopItems(RunContext ctx) {
    this.ctx = ctx;
  }

  LoopState resolve(PlanNode pn) throws NodeException {
    boolean rangeMode = "range".equalsIgnoreCase(ctx.string("mode", "items"));
    Object items = ctx.input("items");
    if (items == null && !rangeMode) {
      items = listVar();
    }
    if (items == null && !rangeMode && pn.config.has("items")) {
      items = ctx.param("items");
    }
    if (items == null) {
      long step = ctx.integer("step", 1);
      if (step == 0) {
        throw new NodeException("node '" + pn.id + "': range step must not be zero");
      }
      return new LoopState(
          new LongRange(ctx.integer("start", 0), ctx.integer("end", 10), step), null);
    }
    return of(pn, items);
  }

  private Object listVar() {
    Object name = ctx.param("list_var");
    if (name instanceof String s && !s.isBlank()) {
      Object v = ctx.variables().get(s.strip());
      return v != null ? v : s;
    }
    return name;
  }

  private static LoopState of(PlanNode pn, Object items) throws NodeException {
    if (items instanceof String s && (s.strip().startsWith("[") || s.strip().startsWith("{"))) {
      try {
        items = JsonValues.toValue(JsonValues.MAPPER.readTree(s));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        // fall through to the error below
      }
    }
    return switch (items) {
      case List<?> list -> new LoopState(list, null);
      case Map<?, ?> map -> {
        List<String> keys = new ArrayList<>();
        map.keySet().forEach(k -> keys.add(String.valueOf(k)));
        yield new LoopState(new ArrayList<>(map.values()), keys);
      }
      case Long n -> new LoopState(new LongRange(0, n, 1), null);
      case Double d -> new LoopState(new LongRange(0, (long) d.doubleValue(), 1), null);
      default ->
          throw new NodeException(
              "node '"
                  + pn.id
                  + "' cannot loop over "
                  + PyOps.typeName(items)
                  + " "
                  + PythonText.repr(items)
                  + "; give items a list, a dict or a number (is the variable set before the loop?)");
    };
  }
}
