package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider.ServiceCredentials;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;

/**
 * The original's FTP nodes on Apache Commons Net. The server and its login come from the robot's
 * {@code ftp} credentials ({@code host}, {@code port} 21, {@code username}, {@code password},
 * {@code passive} true, {@code use_tls} false), never from the workflow: FTPConnectNode's {@code
 * host}/{@code username}/{@code password} in a workflow are ignored (a different host is logged as
 * a warning), so a workflow cannot send the robot's password elsewhere. Remote paths are {@code
 * remote_path} (the corpus writes {@code path}). The connection is a run resource; the engine
 * closes it when the run ends.
 */
final class FtpNodes {
  private static final String KEY = "ftp";

  private FtpNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("FTPConnectNode", c -> FtpNodes::connect),
        NodeType.of("FTPDisconnectNode", c -> FtpNodes::disconnect),
        NodeType.of("FTPListNode", c -> FtpNodes::list),
        NodeType.of("FTPUploadNode", c -> FtpNodes::upload),
        NodeType.of("FTPDownloadNode", c -> FtpNodes::download),
        NodeType.of("FTPDeleteNode", c -> ctx -> simple(ctx, "deleted", "delete", FtpOp.DELETE)),
        NodeType.of("FTPMakeDirNode", c -> ctx -> simple(ctx, "created", "create", FtpOp.MKDIR)),
        NodeType.of("FTPRemoveDirNode", c -> ctx -> simple(ctx, "removed", "remove", FtpOp.RMDIR)),
        NodeType.of("FTPRenameNode", c -> FtpNodes::rename),
        NodeType.of("FTPGetSizeNode", c -> FtpNodes::size));
  }

  /** An open FTP session. */
  record Session(FTPClient client) implements AutoCloseable {
    @Override
    public void close() {
      try {
        if (client.isConnected()) {
          client.logout();
        }
      } catch (IOException ignored) {
        // the server went away: nothing to log out of
      } finally {
        try {
          client.disconnect();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }
  }

  private enum FtpOp {
    DELETE,
    MKDIR,
    RMDIR
  }

  private static ServiceCredentials credentials(NodeContext ctx) throws NodeException {
    return ctx.credentials()
        .lookup("ftp")
        .orElseThrow(
            () ->
                new NodeException(
                    ctx.nodeId()
                        + ": this robot has no ftp credentials; add an 'ftp' entry to its"
                        + " credentials configuration",
                    "ConfigurationError",
                    null));
  }

  private static NodeResult connect(NodeContext ctx) throws NodeException {
    ServiceCredentials creds = credentials(ctx);
    String host = creds.require("host");
    String asked = ctx.string("host", "");
    if (!asked.isBlank() && !asked.equalsIgnoreCase(host)) {
      ctx.log(
          LogLevel.WARNING,
          "ignoring the workflow's FTP host '"
              + asked
              + "': this robot connects only to its configured FTP server");
    }
    int port = Integer.parseInt(creds.get("port", "21"));
    boolean tls = Boolean.parseBoolean(creds.get("use_tls", "false"));
    FTPClient client = tls ? new FTPSClient(false) : new FTPClient();
    Duration timeout = limit(ctx, Duration.ofSeconds(ctx.integer("timeout", 30)));
    client.setConnectTimeout((int) timeout.toMillis());
    client.setDefaultTimeout((int) timeout.toMillis());
    client.setDataTimeout(timeout);
    Session session = new Session(client);
    var onCancel = ctx.cancellation().onCancel(session::close);
    try {
      client.connect(host, port);
      if (!FTPReply.isPositiveCompletion(client.getReplyCode())) {
        String reply = client.getReplyString().strip();
        session.close();
        throw new NodeException(
            ctx.nodeId() + ": the FTP server refused the connection: " + reply, "FTPError", null);
      }
      if (!client.login(creds.get("username", "anonymous"), creds.get("password", ""))) {
        String reply = client.getReplyString().strip();
        session.close();
        throw new NodeException(ctx.nodeId() + ": FTP login failed: " + reply, "FTPError", null);
      }
      if (tls) {
        ((FTPSClient) client).execPBSZ(0);
        ((FTPSClient) client).execPROT("P");
      }
      if (Boolean.parseBoolean(creds.get("passive", "true"))) {
        client.enterLocalPassiveMode();
      }
      client.setFileType(FTP.BINARY_FILE_TYPE);
    } catch (IOException e) {
      session.close();
      throw failure(ctx, "connect to " + host + ":" + port, e);
    } finally {
      onCancel.close();
    }
    ctx.resources().put(KEY, session);
    ctx.output("connected", true);
    ctx.output("server_message", client.getReplyString().strip());
    return NodeResult.next();
  }

  private static Duration limit(NodeContext ctx, Duration wanted) {
    Duration left = ctx.remaining();
    Duration d = left.compareTo(wanted) < 0 ? left : wanted;
    return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
  }

  private static FTPClient client(NodeContext ctx) throws NodeException {
    Session s = ctx.resources().get(KEY, Session.class);
    if (s == null || !s.client().isConnected()) {
      throw new NodeException(
          ctx.nodeId() + ": not connected to an FTP server; run an FTPConnectNode first",
          "FTPError",
          null);
    }
    return s.client();
  }

  private static NodeException failure(NodeContext ctx, String what, IOException e) {
    if (ctx.cancellation().isCancelled()) {
      return new NodeException(
          ctx.nodeId() + ": cancelled while trying to " + what, "Cancelled", null);
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new NodeException(ctx.nodeId() + ": cannot " + what + ": " + m, "FTPError", null);
  }

  private static String remotePath(NodeContext ctx) throws NodeException {
    String p = ctx.string("remote_path", ctx.string("path", ""));
    if (p.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": remote_path is required", "ValueError", null);
    }
    return p;
  }

  private static String reply(FTPClient client) {
    return client.getReplyString() == null ? "" : client.getReplyString().strip();
  }

  private static NodeResult disconnect(NodeContext ctx) throws Exception {
    boolean was = ctx.resources().get(KEY, Session.class) != null;
    ctx.resources().close(KEY);
    ctx.output("disconnected", was);
    return NodeResult.next();
  }

  private static NodeResult list(NodeContext ctx) throws NodeException {
    FTPClient client = client(ctx);
    String path = ctx.string("remote_path", ctx.string("path", ""));
    boolean detailed = ctx.flag("detailed", false);
    List<Object> items = new ArrayList<>();
    var onCancel = ctx.cancellation().onCancel(() -> new Session(client).close());
    try {
      if (detailed) {
        for (FTPFile f : path.isBlank() ? client.listFiles() : client.listFiles(path)) {
          Map<String, Object> item = new LinkedHashMap<>();
          item.put("name", f.getName());
          item.put("size", f.getSize());
          item.put("is_dir", f.isDirectory());
          item.put(
              "modified", f.getTimestamp() == null ? "" : f.getTimestamp().toInstant().toString());
          items.add(item);
        }
      } else {
        String[] names = path.isBlank() ? client.listNames() : client.listNames(path);
        if (names != null) {
          for (String n : names) {
            items.add(n);
          }
        }
      }
    } catch (IOException e) {
      throw failure(ctx, "list " + (path.isBlank() ? "the current directory" : path), e);
    } finally {
      onCancel.close();
    }
    ctx.output("items", items);
    ctx.output("count", (long) items.size());
    return NodeResult.next();
  }

  private static NodeResult simple(NodeContext ctx, String port, String verb, FtpOp op)
      throws NodeException {
    FTPClient client = client(ctx);
    String path = remotePath(ctx);
    boolean ok;
    var onCancel = ctx.cancellation().onCancel(() -> new Session(client).close());
    try {
      ok =
          switch (op) {
            case DELETE -> client.deleteFile(path);
            case MKDIR ->
                ctx.flag("parents", false) ? mkdirs(client, path) : client.makeDirectory(path);
            case RMDIR -> client.removeDirectory(path);
          };
    } catch (IOException e) {
      throw failure(ctx, verb + " " + path, e);
    } finally {
      onCancel.close();
    }
    if (!ok) {
      throw new NodeException(
          ctx.nodeId() + ": cannot " + verb + " " + path + ": " + reply(client), "FTPError", null);
    }
    ctx.output(port, true);
    return NodeResult.next();
  }

  private static boolean mkdirs(FTPClient client, String path) throws IOException {
    StringBuilder at = new StringBuilder(path.startsWith("/") ? "/" : "");
    boolean ok = true;
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      at.append(part);
      ok = client.makeDirectory(at.toString()) || client.changeWorkingDirectory(at.toString());
      at.append('/');
    }
    return ok;
  }

  private static NodeResult rename(NodeContext ctx) throws NodeException {
    FTPClient client = client(ctx);
    String from = ctx.string("old_path", "");
    String to = ctx.string("new_path", "");
    if (from.isBlank() || to.isBlank()) {
      throw new NodeException(
          ctx.nodeId() + ": old_path and new_path are required", "ValueError", null);
    }
    var onCancel = ctx.cancellation().onCancel(() -> new Session(client).close());
    try {
      if (!client.rename(from, to)) {
        throw new NodeException(
            ctx.nodeId() + ": cannot rename " + from + " to " + to + ": " + reply(client),
            "FTPError",
            null);
      }
    } catch (IOException e) {
      throw failure(ctx, "rename " + from, e);
    } finally {
      onCancel.close();
    }
    ctx.output("renamed", true);
    return NodeResult.next();
  }

  private static NodeResult size(NodeContext ctx) throws NodeException {
    FTPClient client = client(ctx);
    String path = remotePath(ctx);
    var onCancel = ctx.cancellation().onCancel(() -> new Session(client).close());
    try {
      String reply = client.getSize(path);
      boolean found = reply != null && reply.strip().matches("\\d+");
      ctx.output("size", found ? Long.parseLong(reply.strip()) : 0L);
      ctx.output("found", found);
    } catch (IOException e) {
      throw failure(ctx, "get the size of " + path, e);
    } finally {
      onCancel.close();
    }
    return NodeResult.next();
  }

  private static NodeResult upload(NodeContext ctx) throws NodeException {
    FTPClient client = client(ctx);
    Path local = ctx.resolvePath(ctx.string("local_path", ""));
    String remote = remotePath(ctx);
    if (!Files.isRegularFile(local)) {
      throw new NodeException(
          ctx.nodeId() + ": local file not found: " + local.getFileName(),
          "FileNotFoundError",
          null);
    }
    var onCancel = ctx.cancellation().onCancel(() -> new Session(client).close());
    try (InputStream in = Files.newInputStream(local)) {
      if (ctx.flag("create_dirs", false) && remote.contains("/")) {
        mkdirs(client, remote.substring(0, remote.lastIndexOf('/')));
      }
      if (!client.storeFile(remote, in)) {
        throw new NodeException(
            ctx.nodeId() + ": cannot upload to " + remote + ": " + reply(client), "FTPError", null);
      }
      ctx.output("uploaded", true);
      ctx.output("bytes_sent", Files.size(local));
    } catch (IOException e) {
      throw failure(ctx, "upload " + local.getFileName(), e);
    } finally {
      onCancel.close();
    }
    return NodeResult.next();
  }

  private static NodeResult download(NodeContext ctx) throws NodeException {
    FTPClient client = client(ctx);
    String remote = remotePath(ctx);
    Path local = ctx.resolvePath(ctx.string("local_path", ""));
    if (Files.exists(local) && !ctx.flag("overwrite", false)) {
      throw new NodeException(
          ctx.nodeId()
              + ": "
              + local.getFileName()
              + " exists; set overwrite to true to replace it",
          "FileExistsError",
          null);
    }
    var onCancel = ctx.cancellation().onCancel(() -> new Session(client).close());
    try {
      FileActions.createParents(local);
      try (OutputStream out = Files.newOutputStream(local)) {
        if (!client.retrieveFile(remote, out)) {
          throw new NodeException(
              ctx.nodeId() + ": cannot download " + remote + ": " + reply(client),
              "FTPError",
              null);
        }
      }
      ctx.output("downloaded", true);
      ctx.output("bytes_received", Files.size(local));
    } catch (IOException e) {
      throw failure(ctx, "download " + remote, e);
    } finally {
      onCancel.close();
    }
    return NodeResult.next();
  }
}
