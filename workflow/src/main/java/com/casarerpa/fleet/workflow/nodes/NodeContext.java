package com.casarerpa.fleet.workflow.nodes;

import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.expr.PyOps;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;

/** What a node sees while it runs. Valid only during {@link Node#execute}. */
public interface NodeContext {
  String nodeId();

  /**
   * A parameter the original way: the input port's value when a connection set it, otherwise the
   * config value with templates resolved; null when neither exists.
   */
  Object param(String key);

  /** Only the input port's value (null if unset). */
  Object input(String port);

  /** Sets an output port; outputs are also visible as {@code {{node_id.port}}}. */
  void output(String port, Object value);

  /** A workflow variable, or null. */
  Object variable(String name);

  void setVariable(String name, Object value);

  /** Read-only view of all variables (includes node outputs by node id). */
  Map<String, Object> variables();

  void log(LogLevel level, String message);

  CancellationToken cancellation();

  /** Sleeps {@code duration}, failing the node early on cancellation or timeout. */
  void pause(Duration duration) throws NodeException, InterruptedException;

  /** Time left before this node's (or the job's) deadline. */
  Duration remaining();

  /** Resolves a path inside the job's working folder; refuses escapes unless allowed. */
  Path resolvePath(String path) throws NodeException;

  OkHttpClient http();

  Clock clock();

  /** True when the robot allows host nodes ({@code RunCommandNode}, {@code SystemInfoNode}). */
  boolean commandsAllowed();

  /** Handles kept open between nodes of this run; closed by the engine when the run ends. */
  RunResources resources();

  /** The robot's service credentials (FTP, e-mail, ...); never from the workflow. */
  CredentialsProvider credentials();

  default String string(String key, String fallback) {
    Object v = param(key);
    return v == null ? fallback : PythonText.str(v);
  }

  default double number(String key, double fallback) {
    Object v = param(key);
    return v == null || "".equals(v) ? fallback : PyOps.toFloat(v);
  }

  default long integer(String key, long fallback) {
    Object v = param(key);
    return v == null || "".equals(v) ? fallback : PyOps.toInt(v);
  }

  default boolean flag(String key, boolean fallback) {
    Object v = param(key);
    if (v instanceof String s) {
      return switch (s.strip().toLowerCase()) {
        case "true", "yes", "1", "on" -> true;
        case "false", "no", "0", "off", "" -> false;
        default -> fallback;
      };
    }
    return v == null ? fallback : PyOps.truthy(v);
  }
}
