package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.nodes.Node;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.PythonFormat;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** End, Comment, Merge, Reroute, Log and Wait. */
final class BasicNodes {
  private BasicNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("EndNode", c -> ctx -> NodeResult.end()),
        NodeType.of("CommentNode", c -> ctx -> NodeResult.next()),
        NodeType.of("MergeNode", c -> ctx -> NodeResult.next()),
        NodeType.of("RerouteNode", c -> ctx -> NodeResult.next()),
        NodeType.of("LogNode", BasicNodes::log),
        NodeType.of("WaitNode", BasicNodes::waitNode));
  }

  /**
   * LogNode: {@code message} (templated, then Python {@code str.format(**variables)} when that
   * succeeds), {@code data} appended when set, {@code level} (default INFO; the original's default
   * of "critical" is a UI quirk we do not copy), {@code include_node_id} (true) prefixes {@code
   * [node_id] }, {@code include_timestamp} (false).
   */
  private static Node log(NodeConfig config) {
    return ctx -> {
      String message = ctx.string("message", "");
      try {
        message = PythonFormat.format(message, ctx.variables());
      } catch (IllegalArgumentException leftUnchanged) {
        // Python: str.format raising leaves the text as it was
      }
      Object data = ctx.param("data");
      if (data != null && !"".equals(data)) {
        message = message + " " + PythonText.str(data);
      }
      if (ctx.flag("include_node_id", true)) {
        message = "[" + ctx.nodeId() + "] " + message;
      }
      if (ctx.flag("include_timestamp", false)) {
        message =
            DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                    ctx.clock().instant().atZone(ctx.clock().getZone()).toLocalDateTime())
                + " "
                + message;
      }
      ctx.log(LogLevel.parse(ctx.param("level"), LogLevel.INFO), message);
      ctx.output("message", message);
      return NodeResult.next();
    };
  }

  /** WaitNode: {@code duration} in seconds (float); cancellation and timeouts cut it short. */
  private static Node waitNode(NodeConfig config) {
    return ctx -> {
      double seconds = ctx.number("duration", 1.0);
      if (seconds < 0 || Double.isNaN(seconds)) {
        throw new com.casarerpa.fleet.workflow.nodes.NodeException(
            "WaitNode duration must be a non-negative number of seconds, got "
                + ctx.param("duration"));
      }
      ctx.pause(Duration.ofNanos((long) Math.min(seconds * 1e9, Long.MAX_VALUE / 2.0)));
      ctx.output("waited", seconds);
      return NodeResult.next();
    };
  }
}
