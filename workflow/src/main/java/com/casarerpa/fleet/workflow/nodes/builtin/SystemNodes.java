package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.CancellationToken;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** RunCommandNode (only when the robot allows it), UUIDGeneratorNode, Base64Node. */
final class SystemNodes {
  private SystemNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("RunCommandNode", c -> SystemNodes::runCommand),
        NodeType.of("SystemInfoNode", c -> SystemNodes::systemInfo),
        NodeType.of(
            "UUIDGeneratorNode",
            c ->
                ctx -> {
                  ctx.output("uuid", UUID.randomUUID().toString());
                  return NodeResult.next();
                }),
        NodeType.of(
            "Base64Node",
            c ->
                ctx -> {
                  String text = ctx.string("text", ctx.string("input", ""));
                  boolean decode =
                      ctx.string("operation", "encode").toLowerCase().startsWith("decode");
                  try {
                    ctx.output(
                        "result",
                        decode
                            ? new String(
                                Base64.getDecoder().decode(text.strip()), StandardCharsets.UTF_8)
                            : Base64.getEncoder()
                                .encodeToString(text.getBytes(StandardCharsets.UTF_8)));
                  } catch (IllegalArgumentException e) {
                    throw new NodeException(
                        ctx.nodeId() + ": not valid base64: " + e.getMessage(), "ValueError", e);
                  }
                  return NodeResult.next();
                }));
  }

  /**
   * {@code command}, {@code shell} (true: run with /bin/sh -c), {@code timeout} (s, 60), {@code
   * working_dir} (inside the job folder). Output is captured to files in the job folder, so a
   * chatty command cannot block on a full pipe.
   */
  private static NodeResult runCommand(NodeContext ctx) throws NodeException, InterruptedException {
    if (!ctx.commandsAllowed()) {
      throw new NodeException(
          ctx.nodeId()
              + ": RunCommandNode is disabled on this robot; the robot operator must enable it (engine option allowRunCommand)",
          "PermissionError",
          null);
    }
    String command = ctx.string("command", "").strip();
    if (command.isEmpty()) {
      throw new NodeException(ctx.nodeId() + ": command is empty; set config.command");
    }
    List<String> argv =
        ctx.flag("shell", true)
            ? List.of("/bin/sh", "-c", command)
            : new ArrayList<>(List.of(command.split("\\s+")));
    Path dir = ctx.resolvePath(ctx.string("working_dir", "."));
    Duration timeout = Duration.ofMillis((long) (ctx.number("timeout", 60) * 1000));
    try {
      Path out = Files.createTempFile(dir, ".stdout-", ".txt");
      Path err = Files.createTempFile(dir, ".stderr-", ".txt");
      Process p =
          new ProcessBuilder(argv)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      boolean done = waitFor(ctx, p, timeout);
      String stdout = Files.readString(out);
      String stderr = Files.readString(err);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      if (!done) {
        throw new NodeException(
            ctx.nodeId()
                + ": command did not finish within "
                + timeout.toSeconds()
                + "s and was killed",
            "TimeoutError",
            null);
      }
      ctx.output("stdout", stdout);
      ctx.output("stderr", stderr);
      ctx.output("return_code", (long) p.exitValue());
      ctx.output("success", p.exitValue() == 0);
      return NodeResult.next();
    } catch (IOException e) {
      throw new NodeException(
          ctx.nodeId() + ": cannot run command: " + e.getMessage(), "OSError", e);
    }
  }

  private static boolean waitFor(NodeContext ctx, Process p, Duration timeout)
      throws InterruptedException {
    CancellationToken token = ctx.cancellation();
    CancellationToken.Registration onCancel = token.onCancel(p::destroyForcibly);
    try {
      Duration limit = timeout.compareTo(ctx.remaining()) < 0 ? timeout : ctx.remaining();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        return false;
      }
      return true;
    } finally {
      onCancel.close();
    }
  }

  /**
   * SystemInfoNode (host capability): {@code info} (os, version, architecture, cpu count, memory),
   * {@code os_name}, {@code cpu_percent}, {@code ram_percent}, {@code disk_percent} of the job
   * folder's file system. Refused at validation unless the robot allows host access.
   */
  private static NodeResult systemInfo(NodeContext ctx) throws NodeException {
    if (!ctx.commandsAllowed()) {
      throw new NodeException(
          ctx.nodeId()
              + ": SystemInfoNode needs the host capability, which this robot does not allow",
          "PermissionError",
          null);
    }
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double cpu = -1;
    double ram = -1;
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      cpu = Math.max(0, sun.getCpuLoad()) * 100.0;
      long total = sun.getTotalMemorySize();
      ram = total > 0 ? 100.0 * (total - sun.getFreeMemorySize()) / total : -1;
    }
    double disk = -1;
    try {
      var store = Files.getFileStore(ctx.resolvePath("."));
      disk = 100.0 * (store.getTotalSpace() - store.getUsableSpace()) / store.getTotalSpace();
    } catch (IOException | ArithmeticException e) {
      // unknown: stays -1
    }
    var info = new java.util.LinkedHashMap<String, Object>();
    info.put("os", System.getProperty("os.name"));
    info.put("os_version", System.getProperty("os.version"));
    info.put("architecture", System.getProperty("os.arch"));
    info.put("cpu_count", (long) Runtime.getRuntime().availableProcessors());
    info.put("runtime", "Java " + Runtime.version());
    info.put("cpu_percent", cpu);
    info.put("ram_percent", ram);
    info.put("disk_percent", disk);
    ctx.output("info", info);
    ctx.output("os_name", System.getProperty("os.name"));
    ctx.output("cpu_percent", cpu);
    ctx.output("ram_percent", ram);
    ctx.output("disk_percent", disk);
    return NodeResult.next();
  }
}
