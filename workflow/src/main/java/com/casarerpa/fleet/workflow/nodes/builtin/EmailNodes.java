package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.expr.PyOps;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider.ServiceCredentials;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.PythonText;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The original's e-mail nodes (SMTP and IMAP) on Jakarta Mail (Eclipse Angus). Servers, login and
 * sender come only from the robot's {@code email} credentials: {@code smtp_host}, {@code smtp_port}
 * (587), {@code smtp_security} (starttls | ssl | none), {@code imap_host}, {@code imap_port} (993),
 * {@code imap_security} (ssl | starttls | none), {@code username}, {@code password}, {@code from}
 * (default the username). Messages are addressed by IMAP UID ({@code email_uid}), as ReadEmailsNode
 * reports them.
 */
final class EmailNodes {
  private EmailNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("SendEmailNode", c -> EmailNodes::send),
        NodeType.of("ReadEmailsNode", c -> EmailNodes::read),
        NodeType.of("GetEmailContentNode", c -> EmailNodes::content),
        NodeType.of("FilterEmailsNode", c -> EmailNodes::filter),
        NodeType.of("MarkEmailNode", c -> EmailNodes::mark),
        NodeType.of("DeleteEmailNode", c -> EmailNodes::delete),
        NodeType.of("MoveEmailNode", c -> EmailNodes::move),
        NodeType.of("SaveAttachmentNode", c -> EmailNodes::saveAttachments));
  }

  private static ServiceCredentials credentials(NodeContext ctx) throws NodeException {
    return ctx.credentials()
        .lookup("email")
        .orElseThrow(
            () ->
                new NodeException(
                    ctx.nodeId()
                        + ": this robot has no email credentials; add an 'email' entry to its"
                        + " credentials configuration",
                    "ConfigurationError",
                    null));
  }

  private static Properties properties(
      String protocol, String host, String port, String security, NodeContext ctx) {
    Properties p = new Properties();
    long timeout = Math.max(1, Math.min(ctx.remaining().toMillis(), 60_000));
    String prefix = "mail." + protocol + ".";
    p.put(prefix + "host", host);
    p.put(prefix + "port", port);
    p.put(prefix + "connectiontimeout", Long.toString(timeout));
    p.put(prefix + "timeout", Long.toString(timeout));
    p.put(prefix + "writetimeout", Long.toString(timeout));
    switch (security) {
      case "ssl" -> {
        p.put(prefix + "ssl.enable", "true");
        p.put(prefix + "ssl.checkserveridentity", "true");
      }
      case "starttls" -> {
        p.put(prefix + "starttls.enable", "true");
        p.put(prefix + "starttls.required", "true");
        p.put(prefix + "ssl.checkserveridentity", "true");
      }
      default -> {}
    }
    return p;
  }

  private static NodeException failure(NodeContext ctx, String what, Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new NodeException(ctx.nodeId() + ": cannot " + what + ": " + m, "EmailError", null);
  }

  // ---- SMTP ----

  private static NodeResult send(NodeContext ctx) throws NodeException {
    ServiceCredentials creds = credentials(ctx);
    String to = ctx.string("to_email", ctx.string("to", ""));
    if (to.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": to_email is required", "ValueError", null);
    }
    String from = creds.get("from", creds.get("username", ""));
    String asked = ctx.string("from_email", "");
    if (!asked.isBlank() && !asked.equalsIgnoreCase(from)) {
      ctx.log(
          LogLevel.WARNING,
          "ignoring from_email '" + asked + "': this robot sends as its configured sender");
    }
    Properties props =
        properties(
            "smtp",
            creds.require("smtp_host"),
            creds.get("smtp_port", "587"),
            creds.get("smtp_security", "starttls"),
            ctx);
    String user = creds.get("username", "");
    props.put("mail.smtp.auth", Boolean.toString(!user.isEmpty()));
    Session session = Session.getInstance(props);
    try {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(from));
      m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
      String cc = ctx.string("cc", "");
      if (!cc.isBlank()) {
        m.setRecipients(Message.RecipientType.CC, InternetAddress.parse(cc));
      }
      String bcc = ctx.string("bcc", "");
      if (!bcc.isBlank()) {
        m.setRecipients(Message.RecipientType.BCC, InternetAddress.parse(bcc));
      }
      m.setSubject(ctx.string("subject", ""), "UTF-8");
      String body = ctx.string("body", "");
      if (ctx.flag("is_html", false)) {
        m.setContent(body, "text/html; charset=UTF-8");
      } else {
        m.setText(body, "UTF-8");
      }
      m.saveChanges();
      try (Transport t = session.getTransport("smtp")) {
        var onCancel = ctx.cancellation().onCancel(() -> closeQuietly(t));
        try {
          t.connect(
              user.isEmpty() ? null : user, user.isEmpty() ? null : creds.get("password", ""));
          t.sendMessage(m, m.getAllRecipients());
        } finally {
          onCancel.close();
        }
      }
      ctx.output("success", true);
      ctx.output("message_id", m.getMessageID());
    } catch (MessagingException e) {
      throw failure(ctx, "send the e-mail", e);
    }
    return NodeResult.next();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // cancelling: the blocked call fails and reports
    }
  }

  // ---- IMAP ----

  @FunctionalInterface
  private interface FolderWork<T> {
    T run(Folder folder) throws MessagingException, IOException, NodeException;
  }

  private static <T> T withFolder(NodeContext ctx, String name, int mode, FolderWork<T> work)
      throws NodeException {
    ServiceCredentials creds = credentials(ctx);
    String security = creds.get("imap_security", "ssl");
    String protocol = "ssl".equals(security) ? "imaps" : "imap";
    Properties props =
        properties(
            protocol, creds.require("imap_host"), creds.get("imap_port", "993"), security, ctx);
    Session session = Session.getInstance(props);
    try (Store store = session.getStore(protocol)) {
      var onCancel = ctx.cancellation().onCancel(() -> closeQuietly(store));
      try {
        store.connect(creds.get("username", ""), creds.get("password", ""));
        Folder folder = store.getFolder(name);
        if (!folder.exists()) {
          throw new NodeException(
              ctx.nodeId() + ": the mailbox has no folder '" + name + "'", "EmailError", null);
        }
        folder.open(mode);
        try {
          return work.run(folder);
        } finally {
          if (folder.isOpen()) {
            folder.close(mode == Folder.READ_WRITE);
          }
        }
      } finally {
        onCancel.close();
      }
    } catch (MessagingException | IOException e) {
      throw failure(ctx, "use the mailbox folder '" + name + "'", e);
    }
  }

  private static Map<String, Object> describe(Folder folder, Message m)
      throws MessagingException, IOException {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("uid", Long.toString(((UIDFolder) folder).getUID(m)));
    e.put("subject", m.getSubject() == null ? "" : m.getSubject());
    e.put("from", addresses(m.getFrom()));
    e.put("to", addresses(m.getRecipients(Message.RecipientType.TO)));
    e.put("date", m.getSentDate() == null ? "" : m.getSentDate().toInstant().toString());
    StringBuilder text = new StringBuilder();
    StringBuilder html = new StringBuilder();
    List<Object> attachments = new ArrayList<>();
    walk(m, text, html, attachments, null);
    e.put("body_text", text.toString());
    e.put("body_html", html.toString());
    e.put("attachments", attachments);
    e.put("has_attachments", !attachments.isEmpty());
    e.put("is_read", m.isSet(Flags.Flag.SEEN));
    return e;
  }

  private static String addresses(Address[] list) {
    if (list == null) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (Address a : list) {
      out.add(a.toString());
    }
    return String.join(", ", out);
  }

  /** Collects text, html and attachment names; saves attachments into {@code saveTo} if given. */
  private static void walk(
      Part p, StringBuilder text, StringBuilder html, List<Object> attachments, Path saveTo)
      throws MessagingException, IOException {
    String disposition = p.getDisposition();
    if (p.getFileName() != null
        && (Part.ATTACHMENT.equalsIgnoreCase(disposition) || !p.isMimeType("text/*"))) {
      String name = Path.of(p.getFileName()).getFileName().toString();
      if (saveTo != null) {
        Path target = saveTo.resolve(name);
        try (InputStream in = p.getInputStream()) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        attachments.add(target.toString());
      } else {
        attachments.add(name);
      }
    } else if (p.isMimeType("text/plain")) {
      text.append(p.getContent());
    } else if (p.isMimeType("text/html")) {
      html.append(p.getContent());
    } else if (p.isMimeType("multipart/*")) {
      Multipart mp = (Multipart) p.getContent();
      for (int i = 0; i < mp.getCount(); i++) {
        BodyPart part = mp.getBodyPart(i);
        walk(part, text, html, attachments, saveTo);
      }
    }
  }

  private static NodeResult read(NodeContext ctx) throws NodeException {
    String name = ctx.string("folder", "INBOX");
    long limit = ctx.integer("limit", 10);
    String criteria = ctx.string("search_criteria", "ALL").strip().toUpperCase();
    List<Object> emails =
        withFolder(
            ctx,
            name,
            Folder.READ_ONLY,
            folder -> {
              List<Object> out = new ArrayList<>();
              Message[] all = folder.getMessages();
              for (int i = all.length - 1; i >= 0 && out.size() < limit; i--) {
                boolean seen = all[i].isSet(Flags.Flag.SEEN);
                if (("UNSEEN".equals(criteria) && seen) || ("SEEN".equals(criteria) && !seen)) {
                  continue;
                }
                out.add(describe(folder, all[i]));
              }
              return out;
            });
    ctx.output("emails", emails);
    ctx.output("count", (long) emails.size());
    return NodeResult.next();
  }

  private static NodeResult content(NodeContext ctx) throws NodeException {
    Object email = ctx.param("email");
    if (!(email instanceof Map<?, ?> e)) {
      throw new NodeException(
          ctx.nodeId() + ": email is required (one item of ReadEmailsNode's emails)",
          "ValueError",
          null);
    }
    for (String key : List.of("subject", "from", "to", "date", "body_text", "body_html")) {
      ctx.output(key, e.get(key) == null ? "" : PythonText.str(e.get(key)));
    }
    ctx.output("attachments", e.get("attachments") instanceof List<?> l ? l : List.of());
    return NodeResult.next();
  }

  private static NodeResult filter(NodeContext ctx) throws NodeException {
    Object v = ctx.param("emails");
    List<?> emails = v instanceof List<?> l ? l : List.of();
    String subject = ctx.string("subject_contains", "").toLowerCase();
    String from = ctx.string("from_contains", "").toLowerCase();
    Object hasAttachments = ctx.param("has_attachments");
    List<Object> out = new ArrayList<>();
    for (Object o : emails) {
      if (!(o instanceof Map<?, ?> e)) {
        continue;
      }
      if (!subject.isEmpty() && !PythonText.str(e.get("subject")).toLowerCase().contains(subject)) {
        continue;
      }
      if (!from.isEmpty() && !PythonText.str(e.get("from")).toLowerCase().contains(from)) {
        continue;
      }
      if (hasAttachments != null
          && !"".equals(hasAttachments)
          && PyOps.truthy(e.get("has_attachments")) != ctx.flag("has_attachments", false)) {
        continue;
      }
      out.add(e);
    }
    ctx.output("filtered", out);
    ctx.output("count", (long) out.size());
    return NodeResult.next();
  }

  private static long uid(NodeContext ctx) throws NodeException {
    String uid = ctx.string("email_uid", "").strip();
    if (uid.isEmpty()) {
      throw new NodeException(ctx.nodeId() + ": email_uid is required", "ValueError", null);
    }
    try {
      return Long.parseLong(uid);
    } catch (NumberFormatException e) {
      throw new NodeException(
          ctx.nodeId() + ": email_uid '" + uid + "' is not an IMAP UID", "ValueError", null);
    }
  }

  private static Message message(NodeContext ctx, Folder folder, long uid)
      throws MessagingException, NodeException {
    Message m = ((UIDFolder) folder).getMessageByUID(uid);
    if (m == null) {
      throw new NodeException(
          ctx.nodeId() + ": no message with UID " + uid + " in " + folder.getFullName(),
          "EmailError",
          null);
    }
    return m;
  }

  private static NodeResult mark(NodeContext ctx) throws NodeException {
    long uid = uid(ctx);
    String as = ctx.string("mark_as", "read").strip().toLowerCase();
    withFolder(
        ctx,
        ctx.string("folder", "INBOX"),
        Folder.READ_WRITE,
        folder -> {
          Message m = message(ctx, folder, uid);
          switch (as) {
            case "read" -> m.setFlag(Flags.Flag.SEEN, true);
            case "unread" -> m.setFlag(Flags.Flag.SEEN, false);
            case "flagged" -> m.setFlag(Flags.Flag.FLAGGED, true);
            case "unflagged" -> m.setFlag(Flags.Flag.FLAGGED, false);
            default ->
                throw new NodeException(
                    ctx.nodeId() + ": mark_as must be read, unread, flagged or unflagged",
                    "ValueError",
                    null);
          }
          return null;
        });
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static NodeResult delete(NodeContext ctx) throws NodeException {
    long uid = uid(ctx);
    boolean permanent = ctx.flag("permanent", false);
    withFolder(
        ctx,
        ctx.string("folder", "INBOX"),
        Folder.READ_WRITE,
        folder -> {
          message(ctx, folder, uid).setFlag(Flags.Flag.DELETED, true);
          if (permanent) {
            folder.expunge();
          }
          return null;
        });
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static NodeResult move(NodeContext ctx) throws NodeException {
    long uid = uid(ctx);
    String target = ctx.string("target_folder", "");
    if (target.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": target_folder is required", "ValueError", null);
    }
    withFolder(
        ctx,
        ctx.string("source_folder", "INBOX"),
        Folder.READ_WRITE,
        folder -> {
          Message m = message(ctx, folder, uid);
          Folder to = folder.getStore().getFolder(target);
          if (!to.exists() && !to.create(Folder.HOLDS_MESSAGES)) {
            throw new NodeException(
                ctx.nodeId() + ": cannot create folder " + target, "EmailError", null);
          }
          folder.copyMessages(new Message[] {m}, to);
          m.setFlag(Flags.Flag.DELETED, true);
          folder.expunge();
          return null;
        });
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static NodeResult saveAttachments(NodeContext ctx) throws NodeException {
    long uid = uid(ctx);
    Path dir = ctx.resolvePath(ctx.string("save_path", "."));
    List<Object> saved = new ArrayList<>();
    withFolder(
        ctx,
        ctx.string("folder", "INBOX"),
        Folder.READ_ONLY,
        folder -> {
          Files.createDirectories(dir);
          walk(message(ctx, folder, uid), new StringBuilder(), new StringBuilder(), saved, dir);
          return null;
        });
    ctx.output("saved_files", saved);
    ctx.output("count", (long) saved.size());
    return NodeResult.next();
  }
}
