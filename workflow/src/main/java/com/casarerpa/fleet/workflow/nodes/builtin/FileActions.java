package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The file actions behind FileSystemSuperNode and the single-purpose file nodes. */
final class FileActions {
  /** Files larger than this are refused by Read File (they would not fit a log or variable). */
  static final long MAX_READ_BYTES = 64L * 1024 * 1024;

  private FileActions() {}

  static NodeResult read(NodeContext ctx, Path p) throws NodeException {
    try {
      long size = Files.size(p);
      if (size > MAX_READ_BYTES) {
        throw new NodeException(
            ctx.nodeId()
                + ": "
                + p
                + " is "
                + size
                + " bytes; Read File reads at most "
                + MAX_READ_BYTES);
      }
      String content = Files.readString(p, FileNodes.charset(ctx));
      ctx.output("content", content);
      ctx.output("size", (long) content.length());
      ctx.output("file_path", p.toString());
      ctx.output("success", true);
      return NodeResult.next();
    } catch (IOException e) {
      throw failure(ctx, "read", p, e);
    }
  }

  static NodeResult write(NodeContext ctx, Path p, boolean append) throws NodeException {
    String content = ctx.string("content", "");
    boolean appendMode = append || "append".equalsIgnoreCase(ctx.string("mode", ""));
    try {
      createParents(p);
      byte[] bytes = content.getBytes(FileNodes.charset(ctx));
      if (appendMode) {
        Files.write(p, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } else {
        Files.write(p, bytes);
      }
      ctx.output("file_path", p.toString());
      ctx.output("bytes_written", (long) bytes.length);
      ctx.output("success", true);
      return NodeResult.next();
    } catch (IOException e) {
      throw failure(ctx, "write", p, e);
    }
  }

  static NodeResult delete(NodeContext ctx, Path p) throws NodeException {
    try {
      boolean deleted = Files.deleteIfExists(p);
      if (!deleted && !ctx.flag("ignore_missing", false)) {
        throw new NodeException(
            ctx.nodeId() + ": cannot delete " + p + ": the file does not exist",
            "FileNotFoundError",
            null);
      }
      ctx.output("deleted", deleted);
      ctx.output("deleted_path", p.toString());
      ctx.output("success", true);
      return NodeResult.next();
    } catch (IOException e) {
      throw failure(ctx, "delete", p, e);
    }
  }

  static NodeResult copy(NodeContext ctx, Path from, boolean move) throws NodeException {
    String dest =
        ctx.string("dest_path", ctx.string("destination_path", ctx.string("destination", "")));
    if (dest.isBlank()) {
      throw new NodeException(
          ctx.nodeId() + ": destination_path is empty; set config.destination_path");
    }
    Path to = ctx.resolvePath(dest);
    try {
      createParents(to);
      StandardCopyOption opt = StandardCopyOption.REPLACE_EXISTING;
      if (!ctx.flag("overwrite", true) && Files.exists(to)) {
        throw new NodeException(
            ctx.nodeId() + ": " + to + " exists; set overwrite to true to replace it");
      }
      long size = Files.isRegularFile(from) ? Files.size(from) : 0L;
      Path result = move ? Files.move(from, to, opt) : Files.copy(from, to, opt);
      ctx.output("destination_path", result.toString());
      ctx.output("dest_path", result.toString());
      ctx.output(move ? "bytes_moved" : "bytes_copied", size);
      ctx.output("success", true);
      return NodeResult.next();
    } catch (IOException e) {
      throw failure(ctx, move ? "move" : "copy", from, e);
    }
  }

  static NodeResult exists(NodeContext ctx, Path p) {
    ctx.output("exists", Files.exists(p));
    ctx.output("is_file", Files.isRegularFile(p));
    ctx.output("is_directory", Files.isDirectory(p));
    ctx.output("is_dir", Files.isDirectory(p));
    return NodeResult.next();
  }

  static NodeResult info(NodeContext ctx, Path p) throws NodeException {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      ctx.output("size", a.size());
      ctx.output("is_file", a.isRegularFile());
      ctx.output("is_directory", a.isDirectory());
      ctx.output("modified", a.lastModifiedTime().toInstant().toString());
      ctx.output("name", p.getFileName().toString());
      ctx.output("success", true);
      return NodeResult.next();
    } catch (IOException e) {
      throw failure(ctx, "inspect", p, e);
    }
  }

  static NodeResult mkdir(NodeContext ctx, Path p) throws NodeException {
    try {
      Files.createDirectories(p);
      ctx.output("directory_path", p.toString());
      ctx.output("dir_path", p.toString());
      ctx.output("success", true);
      return NodeResult.next();
    } catch (IOException e) {
      throw failure(ctx, "create", p, e);
    }
  }

  static NodeResult list(NodeContext ctx, Path dir) throws NodeException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Object> names = new ArrayList<>();
      List<Object> paths = new ArrayList<>();
      s.sorted()
          .limit(100_000)
          .forEach(
              p -> {
                names.add(p.getFileName().toString());
                paths.add(p.toString());
              });
      ctx.output("files", names);
      ctx.output("items", paths);
      ctx.output("count", (long) names.size());
      return NodeResult.next();
    } catch (IOException e) {
      throw failure(ctx, "list", dir, e);
    }
  }

  static void createParents(Path p) throws IOException {
    Path parent = p.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  static NodeException failure(NodeContext ctx, String verb, Path p, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new NodeException(
          ctx.nodeId() + ": cannot " + verb + " " + p + ": no such file", "FileNotFoundError", e);
    }
    return new NodeException(ctx.nodeId() + ": cannot " + verb + " " + p + ": " + e, "OSError", e);
  }
}
