package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.nodes.Node;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * File nodes. Paths resolve inside the job's working folder ({@link NodeContext#resolvePath});
 * FileSystemSuperNode dispatches on {@code action} to {@link FileActions}.
 */
final class FileNodes {
  private FileNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("FileSystemSuperNode", FileNodes::superNode),
        NodeType.of("ReadFileNode", c -> ctx -> FileActions.read(ctx, path(ctx))),
        NodeType.of("WriteFileNode", c -> ctx -> FileActions.write(ctx, path(ctx), false)),
        NodeType.of("AppendFileNode", c -> ctx -> FileActions.write(ctx, path(ctx), true)),
        NodeType.of("DeleteFileNode", c -> ctx -> FileActions.delete(ctx, path(ctx))),
        NodeType.of("FileExistsNode", c -> ctx -> FileActions.exists(ctx, path(ctx))),
        NodeType.of(
            "ListFilesNode",
            c ->
                ctx ->
                    FileActions.list(
                        ctx,
                        ctx.resolvePath(ctx.string("directory_path", ctx.string("path", "."))))),
        NodeType.of(
            "CreateDirectoryNode",
            c ->
                ctx ->
                    FileActions.mkdir(
                        ctx,
                        ctx.resolvePath(ctx.string("directory_path", ctx.string("path", ""))))),
        NodeType.of("ReadCSVNode", c -> ctx -> CsvFiles.read(ctx, path(ctx))),
        NodeType.of("WriteCSVNode", c -> ctx -> CsvFiles.write(ctx, path(ctx))),
        NodeType.of("ReadJSONFileNode", c -> ctx -> readJson(ctx, path(ctx))),
        NodeType.of("WriteJSONFileNode", c -> ctx -> writeJson(ctx, path(ctx))));
  }

  static Path path(NodeContext ctx) throws NodeException {
    String p = ctx.string("file_path", ctx.string("path", ""));
    if (p.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": file_path is empty; set config.file_path");
    }
    return ctx.resolvePath(p);
  }

  /** Copy/Move source: {@code source_path}, else {@code file_path}. */
  static Path source(NodeContext ctx) throws NodeException {
    String p = ctx.string("source_path", "");
    return p.isBlank() ? path(ctx) : ctx.resolvePath(p);
  }

  static Charset charset(NodeContext ctx) throws NodeException {
    String name = ctx.string("encoding", "utf-8");
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException e) {
      throw new NodeException(ctx.nodeId() + ": unknown encoding '" + name + "'");
    }
  }

  /**
   * {@code action} ∈ Read/Write/Append/Delete/Copy/Move File, File Exists, Get File Size/Info,
   * Create Directory, List Files/Directory.
   */
  private static Node superNode(NodeConfig config) throws NodeException {
    String action = config.text("action", "Read File").strip();
    return switch (action) {
      case "Read File" -> ctx -> FileActions.read(ctx, path(ctx));
      case "Write File" -> ctx -> FileActions.write(ctx, path(ctx), false);
      case "Append File" -> ctx -> FileActions.write(ctx, path(ctx), true);
      case "Delete File" -> ctx -> FileActions.delete(ctx, path(ctx));
      case "Copy File" -> ctx -> FileActions.copy(ctx, source(ctx), false);
      case "Move File" -> ctx -> FileActions.copy(ctx, source(ctx), true);
      case "File Exists" -> ctx -> FileActions.exists(ctx, path(ctx));
      case "Get File Size", "Get File Info" -> ctx -> FileActions.info(ctx, path(ctx));
      case "Create Directory" ->
          ctx ->
              FileActions.mkdir(
                  ctx,
                  ctx.resolvePath(
                      ctx.string(
                          "directory_path", ctx.string("path", ctx.string("file_path", "")))));
      case "List Files", "List Directory" ->
          ctx ->
              FileActions.list(
                  ctx,
                  ctx.resolvePath(
                      ctx.string(
                          "directory_path",
                          ctx.string(
                              "dir_path", ctx.string("path", ctx.string("file_path", "."))))));
      default ->
          throw new NodeException(
              "unknown action '"
                  + action
                  + "'; use Read File, Write File, Append File, Delete File, Copy File, Move File, File Exists, Get File Size, Get File Info, Create Directory, List Files or List Directory");
    };
  }

  private static NodeResult readJson(NodeContext ctx, Path p) throws NodeException {
    try {
      String text = Files.readString(p, StandardCharsets.UTF_8);
      ctx.output("data", DictNodes.parse(text, ctx.nodeId()));
      ctx.output("success", true);
      return NodeResult.next();
    } catch (IOException e) {
      throw FileActions.failure(ctx, "read", p, e);
    }
  }

  private static NodeResult writeJson(NodeContext ctx, Path p) throws NodeException {
    try {
      Object data = ctx.param("data");
      String json = JsonValues.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(data);
      FileActions.createParents(p);
      Files.writeString(p, json, StandardCharsets.UTF_8);
      ctx.output("file_path", p.toString());
      ctx.output("success", true);
      return NodeResult.next();
    } catch (IOException e) {
      throw FileActions.failure(ctx, "write", p, e);
    }
  }
}
