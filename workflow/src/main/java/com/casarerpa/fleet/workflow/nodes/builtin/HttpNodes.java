package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.Node;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HttpRequestNode and HttpSuperNode over the engine's OkHttp client; the call itself is in {@link
 * HttpCall} (timeouts, retries, cancellation that aborts the in-flight request).
 */
final class HttpNodes {
  private HttpNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of(
            "HttpRequestNode",
            c -> ctx -> HttpCall.execute(ctx, ctx.string("method", "GET"), null)),
        NodeType.of("HttpSuperNode", HttpNodes::superNode));
  }

  /**
   * {@code action} ∈ GET/POST/PUT/PATCH/DELETE Request, Download File, Upload File, Configure Auth.
   */
  private static Node superNode(NodeConfig config) throws NodeException {
    String action = config.text("action", "GET Request").strip();
    return switch (action) {
      case "GET Request", "POST Request", "PUT Request", "PATCH Request", "DELETE Request" -> {
        String method = action.substring(0, action.indexOf(' '));
        yield ctx -> HttpCall.execute(ctx, method, null);
      }
      case "Download File" -> ctx -> HttpCall.execute(ctx, "GET", savePath(ctx));
      case "Upload File" -> ctx -> HttpCall.execute(ctx, "POST", null);
      case "Configure Auth" -> HttpNodes::configureAuth;
      default ->
          throw new NodeException(
              "unknown action '"
                  + action
                  + "'; use GET/POST/PUT/PATCH/DELETE Request, Download File, Upload File or Configure Auth");
    };
  }

  /**
   * Builds an Authorization header: {@code auth_type} Bearer|Basic|API Key, {@code token}, {@code
   * username}, {@code password}, {@code api_key_name}.
   */
  private static NodeResult configureAuth(NodeContext ctx) throws NodeException {
    String type = ctx.string("auth_type", "Bearer").toLowerCase(Locale.ROOT);
    Map<String, Object> headers = new LinkedHashMap<>();
    switch (type) {
      case "bearer", "bearer token" ->
          headers.put("Authorization", "Bearer " + ctx.string("token", ""));
      case "basic", "basic auth" ->
          headers.put(
              "Authorization",
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(
                          (ctx.string("username", "") + ":" + ctx.string("password", ""))
                              .getBytes(StandardCharsets.UTF_8)));
      case "api key", "api_key" ->
          headers.put(
              ctx.string("api_key_name", "X-API-Key"),
              ctx.string("token", ctx.string("api_key", "")));
      default ->
          throw new NodeException(
              ctx.nodeId() + ": unknown auth_type '" + type + "'; use Bearer, Basic or API Key");
    }
    ctx.output("headers", headers);
    ctx.output("success", true);
    return NodeResult.next();
  }

  /**
   * Where Download File saves: {@code save_path} (or {@code output_path}), inside the job folder.
   */
  private static java.nio.file.Path savePath(NodeContext ctx) throws NodeException {
    String p = ctx.string("save_path", ctx.string("output_path", ctx.string("file_path", "")));
    if (p.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": Download File needs save_path");
    }
    return ctx.resolvePath(p);
  }
}
