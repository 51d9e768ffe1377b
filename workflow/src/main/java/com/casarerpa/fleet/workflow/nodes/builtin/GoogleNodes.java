package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Gmail (API v1), Google Sheets (API v4) and Google Drive (API v3) nodes over their public REST
 * APIs, with the robot's {@code gmail}, {@code sheets} and {@code drive} credentials ({@code
 * access_token}: an OAuth or service-account access token, sent as a bearer token; {@code
 * base_url}: default the Google endpoint). Config keys are the original's ({@code message_id},
 * {@code query}, {@code spreadsheet_id}, {@code range}, {@code file_id}, ...).
 */
final class GoogleNodes {
  private static final String GMAIL = "gmail/v1/users/me";
  private static final String SHEETS = "v4/spreadsheets";
  private static final String DRIVE = "drive/v3/files";
  private static final String FOLDER_MIME = "application/vnd.google-apps.folder";
  private static final String FILE_FIELDS =
      "id,name,mimeType,size,parents,webViewLink,createdTime,modifiedTime";

  private GoogleNodes() {}

  static List<NodeType> all() {
    List<NodeType> all = new ArrayList<>();
    // ---- Gmail ----
    all.add(gmail("GmailListEmailsNode", GoogleNodes::gmailList));
    all.add(gmail("GmailSearchEmailsNode", GoogleNodes::gmailList));
    all.add(gmail("GmailGetEmailNode", GoogleNodes::gmailGet));
    all.add(gmail("GmailSendEmailNode", (ctx, api) -> gmailSend(ctx, api, false)));
    all.add(gmail("GmailCreateDraftNode", (ctx, api) -> gmailSend(ctx, api, true)));
    all.add(gmail("GmailReplyToEmailNode", GoogleNodes::gmailReply));
    all.add(gmail("GmailForwardEmailNode", GoogleNodes::gmailForward));
    all.add(gmail("GmailGetLabelsNode", GoogleNodes::gmailLabels));
    all.add(gmail("GmailAddLabelNode", (ctx, api) -> modify(ctx, api, labels(ctx, api), null)));
    all.add(gmail("GmailRemoveLabelNode", (ctx, api) -> modify(ctx, api, null, labels(ctx, api))));
    all.add(gmail("GmailMarkAsReadNode", (ctx, api) -> modify(ctx, api, null, List.of("UNREAD"))));
    all.add(
        gmail("GmailMarkAsUnreadNode", (ctx, api) -> modify(ctx, api, List.of("UNREAD"), null)));
    all.add(gmail("GmailArchiveEmailNode", (ctx, api) -> modify(ctx, api, null, List.of("INBOX"))));
    all.add(
        gmail(
            "GmailStarEmailNode",
            (ctx, api) -> {
              List<String> starred = List.of("STARRED");
              boolean star = ctx.flag("star", true);
              modify(ctx, api, star ? starred : null, star ? null : starred);
            }));
    all.add(
        gmail(
            "GmailTrashEmailNode",
            (ctx, api) -> {
              JsonNode r =
                  api.send("POST", api.url(GMAIL + "/messages", messageId(ctx), "trash"), null);
              ctx.output("message_id", r.path("id").asText(messageId(ctx)));
            }));
    // ---- Sheets ----
    all.add(sheets("SheetsCreateSpreadsheetNode", GoogleNodes::sheetsCreate));
    all.add(sheets("SheetsGetSpreadsheetNode", GoogleNodes::sheetsGet));
    all.add(sheets("SheetsGetCellNode", (ctx, api) -> readRange(ctx, api, "cell")));
    all.add(sheets("SheetsGetRangeNode", (ctx, api) -> readRange(ctx, api, "range")));
    all.add(sheets("SheetsSetCellNode", (ctx, api) -> writeRange(ctx, api, "cell")));
    all.add(sheets("SheetsWriteCellNode", (ctx, api) -> writeRange(ctx, api, "cell")));
    all.add(sheets("SheetsWriteRangeNode", (ctx, api) -> writeRange(ctx, api, "range")));
    all.add(sheets("SheetsAppendRowNode", GoogleNodes::appendRow));
    all.add(sheets("SheetsClearRangeNode", GoogleNodes::clearRange));
    all.add(sheets("SheetsInsertRowNode", (ctx, api) -> dimension(ctx, api, true, "ROWS")));
    all.add(sheets("SheetsDeleteRowNode", (ctx, api) -> dimension(ctx, api, false, "ROWS")));
    all.add(sheets("SheetsInsertColumnNode", (ctx, api) -> dimension(ctx, api, true, "COLUMNS")));
    all.add(sheets("SheetsDeleteColumnNode", (ctx, api) -> dimension(ctx, api, false, "COLUMNS")));
    all.add(sheets("SheetsAddSheetNode", GoogleNodes::addSheet));
    all.add(sheets("SheetsDeleteSheetNode", GoogleNodes::deleteSheet));
    all.add(sheets("SheetsFormatCellsNode", GoogleNodes::formatCells));
    // ---- Drive ----
    all.add(drive("DriveListFilesNode", GoogleNodes::driveList));
    all.add(drive("DriveSearchFilesNode", GoogleNodes::driveList));
    all.add(drive("DriveGetFileNode", GoogleNodes::driveGet));
    all.add(drive("DriveUploadFileNode", GoogleNodes::driveUpload));
    all.add(drive("DriveDownloadFileNode", (ctx, api) -> driveDownload(ctx, api, false)));
    all.add(drive("DriveExportFileNode", (ctx, api) -> driveDownload(ctx, api, true)));
    all.add(drive("DriveCreateFolderNode", GoogleNodes::driveCreateFolder));
    all.add(drive("DriveCopyFileNode", GoogleNodes::driveCopy));
    all.add(drive("DriveMoveFileNode", GoogleNodes::driveMove));
    all.add(drive("DriveRenameFileNode", GoogleNodes::driveRename));
    all.add(drive("DriveDeleteFileNode", GoogleNodes::driveDelete));
    all.add(drive("DriveShareFileNode", GoogleNodes::driveShare));
    return all;
  }

  @FunctionalInterface
  private interface Action {
    void run(NodeContext ctx, GoogleApi api) throws NodeException;
  }

  private static NodeType gmail(String name, Action action) {
    return service(name, "gmail", "Gmail", "https://gmail.googleapis.com", action);
  }

  private static NodeType sheets(String name, Action action) {
    return service(name, "sheets", "Sheets", "https://sheets.googleapis.com", action);
  }

  private static NodeType drive(String name, Action action) {
    return service(name, "drive", "Drive", "https://www.googleapis.com", action);
  }

  private static NodeType service(
      String name, String service, String label, String base, Action action) {
    return NodeType.of(
        name,
        c ->
            ctx -> {
              action.run(ctx, GoogleApi.of(ctx, service, label, base));
              ctx.output("success", true);
              return NodeResult.next();
            });
  }

  private static NodeException required(NodeContext ctx, String what) {
    return new NodeException(ctx.nodeId() + ": " + what + " is required", "ValueError", null);
  }

  private static String text(NodeContext ctx, String key) throws NodeException {
    String v = ctx.string(key, "");
    if (v.isBlank()) {
      throw required(ctx, key);
    }
    return v;
  }

  private static String optional(NodeContext ctx, String key) {
    String v = ctx.string(key, "");
    return v.isBlank() ? null : v;
  }

  private static Map<String, Object> body(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  /** A list parameter: a list, or a comma-separated string. */
  private static List<String> names(NodeContext ctx, String key) {
    Object v = ctx.param(key);
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      l.forEach(x -> out.add(String.valueOf(x).strip()));
    } else if (v != null) {
      for (String s : ctx.string(key, "").split(",")) {
        if (!s.isBlank()) {
          out.add(s.strip());
        }
      }
    }
    return out;
  }

  // ---- Gmail ----

  private static String messageId(NodeContext ctx) throws NodeException {
    return text(ctx, "message_id");
  }

  private static void gmailList(NodeContext ctx, GoogleApi api) throws NodeException {
    HttpUrl.Builder url =
        api.url(GMAIL + "/messages")
            .addQueryParameter("maxResults", String.valueOf(ctx.integer("max_results", 10)));
    String query = optional(ctx, "query");
    if (query != null) {
      url.addQueryParameter("q", query);
    }
    for (String label : names(ctx, "label_ids")) {
      url.addQueryParameter("labelIds", label);
    }
    if (ctx.flag("include_spam_trash", false)) {
      url.addQueryParameter("includeSpamTrash", "true");
    }
    String page = optional(ctx, "page_token");
    if (page != null) {
      url.addQueryParameter("pageToken", page);
    }
    JsonNode r = api.get(url);
    List<Object> ids = new ArrayList<>();
    r.path("messages").forEach(m -> ids.add(m.path("id").asText()));
    ctx.output(
        "messages",
        JsonValues.toValue(
            r.path("messages").isMissingNode()
                ? JsonValues.MAPPER.createArrayNode()
                : r.path("messages")));
    ctx.output("message_ids", ids);
    ctx.output("message_count", (long) ids.size());
    ctx.output("next_page_token", r.path("nextPageToken").asText(""));
  }

  private static Map<String, String> headers(JsonNode message) {
    Map<String, String> h = new LinkedHashMap<>();
    message
        .path("payload")
        .path("headers")
        .forEach(
            x ->
                h.putIfAbsent(
                    x.path("name").asText().toLowerCase(Locale.ROOT), x.path("value").asText()));
    return h;
  }

  /** The first part of {@code mime} type in the payload tree, decoded (base64url). */
  private static String bodyOf(JsonNode part, String mime) {
    if (mime.equals(part.path("mimeType").asText()) && part.path("body").has("data")) {
      return new String(
          Base64.getUrlDecoder().decode(part.path("body").path("data").asText()),
          StandardCharsets.UTF_8);
    }
    for (JsonNode child : part.path("parts")) {
      String found = bodyOf(child, mime);
      if (!found.isEmpty()) {
        return found;
      }
    }
    return "";
  }

  private static JsonNode fetchMessage(NodeContext ctx, GoogleApi api, String format)
      throws NodeException {
    return api.get(
        api.url(GMAIL + "/messages", messageId(ctx)).addQueryParameter("format", format));
  }

  private static void gmailGet(NodeContext ctx, GoogleApi api) throws NodeException {
    JsonNode m = fetchMessage(ctx, api, ctx.string("format", "full"));
    Map<String, String> h = headers(m);
    ctx.output("message_id", m.path("id").asText());
    ctx.output("thread_id", m.path("threadId").asText());
    ctx.output("subject", h.getOrDefault("subject", ""));
    ctx.output("from_address", h.getOrDefault("from", ""));
    ctx.output("to_addresses", splitAddresses(h.get("to")));
    ctx.output("cc_addresses", splitAddresses(h.get("cc")));
    ctx.output("date", h.getOrDefault("date", ""));
    ctx.output("snippet", m.path("snippet").asText(""));
    ctx.output("body_plain", bodyOf(m.path("payload"), "text/plain"));
    ctx.output("body_html", bodyOf(m.path("payload"), "text/html"));
    ctx.output("label_ids", JsonValues.toValue(m.path("labelIds")));
    ctx.output("raw_message", JsonValues.toValue(m));
  }

  private static List<Object> splitAddresses(String header) {
    List<Object> out = new ArrayList<>();
    if (header != null) {
      for (String s : header.split(",")) {
        if (!s.isBlank()) {
          out.add(s.strip());
        }
      }
    }
    return out;
  }

  /** An RFC 822 message, base64url as the API's {@code raw} field wants it. */
  private static String raw(
      NodeContext ctx, String to, String subject, String body, Map<String, String> extraHeaders)
      throws NodeException {
    try {
      MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()));
      msg.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
      String cc = optional(ctx, "cc");
      if (cc != null) {
        msg.setRecipients(Message.RecipientType.CC, InternetAddress.parse(cc, true));
      }
      String bcc = optional(ctx, "bcc");
      if (bcc != null) {
        msg.setRecipients(Message.RecipientType.BCC, InternetAddress.parse(bcc, true));
      }
      msg.setSubject(subject, "UTF-8");
      String type = ctx.string("body_type", "plain");
      msg.setText(body, "UTF-8", "html".equalsIgnoreCase(type) ? "html" : "plain");
      for (var e : extraHeaders.entrySet()) {
        if (e.getValue() != null && !e.getValue().isBlank()) {
          msg.setHeader(e.getKey(), e.getValue().replaceAll("[\\r\\n]", " "));
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      msg.writeTo(out);
      return Base64.getUrlEncoder().encodeToString(out.toByteArray());
    } catch (AddressException e) {
      throw new NodeException(
          ctx.nodeId() + ": not a valid e-mail address: " + e.getRef(), "ValueError", null);
    } catch (MessagingException | IOException e) {
      throw new NodeException(
          ctx.nodeId() + ": cannot build the message: " + e.getMessage(), "ValueError", null);
    }
  }

  private static void gmailSend(NodeContext ctx, GoogleApi api, boolean draft)
      throws NodeException {
    String raw =
        raw(ctx, text(ctx, "to"), ctx.string("subject", ""), ctx.string("body", ""), Map.of());
    if (draft) {
      JsonNode r = api.send("POST", api.url(GMAIL + "/drafts"), body("message", body("raw", raw)));
      ctx.output("draft_id", r.path("id").asText());
      ctx.output("message_id", r.path("message").path("id").asText());
    } else {
      JsonNode r = api.send("POST", api.url(GMAIL + "/messages/send"), body("raw", raw));
      ctx.output("message_id", r.path("id").asText());
      ctx.output("thread_id", r.path("threadId").asText());
    }
  }

  private static void gmailReply(NodeContext ctx, GoogleApi api) throws NodeException {
    String body = text(ctx, "body");
    JsonNode original = fetchMessage(ctx, api, "metadata");
    Map<String, String> h = headers(original);
    String subject = h.getOrDefault("subject", "");
    String ref = h.get("message-id");
    String raw =
        raw(
            ctx,
            h.getOrDefault("reply-to", h.getOrDefault("from", "")),
            subject.regionMatches(true, 0, "Re:", 0, 3) ? subject : "Re: " + subject,
            body,
            ref == null ? Map.of() : Map.of("In-Reply-To", ref, "References", ref));
    String thread = ctx.string("thread_id", original.path("threadId").asText(""));
    JsonNode r =
        api.send(
            "POST",
            api.url(GMAIL + "/messages/send"),
            body("raw", raw, "threadId", thread.isBlank() ? null : thread));
    ctx.output("message_id", r.path("id").asText());
    ctx.output("thread_id", r.path("threadId").asText());
  }

  private static void gmailForward(NodeContext ctx, GoogleApi api) throws NodeException {
    String to = text(ctx, "to");
    JsonNode original = fetchMessage(ctx, api, "full");
    Map<String, String> h = headers(original);
    String text =
        ctx.string("additional_body", "")
            + "\n\n---------- Forwarded message ----------\nFrom: "
            + h.getOrDefault("from", "")
            + "\nSubject: "
            + h.getOrDefault("subject", "")
            + "\n\n"
            + bodyOf(original.path("payload"), "text/plain");
    String raw = raw(ctx, to, "Fwd: " + h.getOrDefault("subject", ""), text, Map.of());
    JsonNode r = api.send("POST", api.url(GMAIL + "/messages/send"), body("raw", raw));
    ctx.output("message_id", r.path("id").asText());
    ctx.output("thread_id", r.path("threadId").asText());
  }

  private static void gmailLabels(NodeContext ctx, GoogleApi api) throws NodeException {
    JsonNode r = api.get(api.url(GMAIL + "/labels"));
    List<Object> names = new ArrayList<>();
    r.path("labels").forEach(l -> names.add(l.path("name").asText()));
    ctx.output("labels", JsonValues.toValue(r.path("labels")));
    ctx.output("label_names", names);
    ctx.output("label_count", (long) names.size());
  }

  /** The {@code label_ids} (or {@code label}) parameter; names are looked up as label ids. */
  private static List<String> labels(NodeContext ctx, GoogleApi api) throws NodeException {
    List<String> wanted = names(ctx, "label_ids");
    if (wanted.isEmpty()) {
      wanted = names(ctx, "label");
    }
    if (wanted.isEmpty()) {
      throw required(ctx, "label_ids (or label)");
    }
    messageId(ctx); // fail on the missing message before any call
    Map<String, String> byName = new LinkedHashMap<>();
    api.get(api.url(GMAIL + "/labels"))
        .path("labels")
        .forEach(
            l ->
                byName.put(
                    l.path("name").asText().toLowerCase(Locale.ROOT), l.path("id").asText()));
    List<String> ids = new ArrayList<>();
    for (String w : wanted) {
      ids.add(byName.getOrDefault(w.toLowerCase(Locale.ROOT), w));
    }
    return ids;
  }

  private static void modify(NodeContext ctx, GoogleApi api, List<String> add, List<String> remove)
      throws NodeException {
    JsonNode r =
        api.send(
            "POST",
            api.url(GMAIL + "/messages", messageId(ctx), "modify"),
            body("addLabelIds", add, "removeLabelIds", remove));
    ctx.output("message_id", r.path("id").asText());
    ctx.output("label_ids", JsonValues.toValue(r.path("labelIds")));
  }

  // ---- Sheets ----

  private static String spreadsheet(NodeContext ctx) throws NodeException {
    return text(ctx, "spreadsheet_id");
  }

  /** The A1 range of {@code key}, prefixed with {@code sheet_name} when given and not in it. */
  private static String a1(NodeContext ctx, String key) throws NodeException {
    String range = text(ctx, key);
    String sheet = optional(ctx, "sheet_name");
    if (sheet != null && !range.contains("!")) {
      range = "'" + sheet.replace("'", "''") + "'!" + range;
    }
    return range;
  }

  private static void sheetsCreate(NodeContext ctx, GoogleApi api) throws NodeException {
    String sheet = optional(ctx, "sheet_name");
    JsonNode r =
        api.send(
            "POST",
            api.url(SHEETS),
            body(
                "properties",
                body("title", text(ctx, "title")),
                "sheets",
                sheet == null ? null : List.of(body("properties", body("title", sheet)))));
    ctx.output("spreadsheet_id", r.path("spreadsheetId").asText());
    ctx.output("spreadsheet_url", r.path("spreadsheetUrl").asText());
  }

  private static void sheetsGet(NodeContext ctx, GoogleApi api) throws NodeException {
    JsonNode r = api.get(api.url(SHEETS, spreadsheet(ctx)));
    List<Object> names = new ArrayList<>();
    r.path("sheets").forEach(s -> names.add(s.path("properties").path("title").asText()));
    ctx.output("title", r.path("properties").path("title").asText());
    ctx.output("sheet_names", names);
    ctx.output("sheet_count", (long) names.size());
    ctx.output("spreadsheet", JsonValues.toValue(r));
  }

  private static void readRange(NodeContext ctx, GoogleApi api, String key) throws NodeException {
    String id = spreadsheet(ctx);
    JsonNode r =
        api.get(
            api.url(SHEETS, id, "values", a1(ctx, key))
                .addQueryParameter(
                    "valueRenderOption", ctx.string("value_render_option", "FORMATTED_VALUE"))
                .addQueryParameter("majorDimension", ctx.string("major_dimension", "ROWS")));
    JsonNode values = r.path("values");
    if ("cell".equals(key)) {
      JsonNode cell = values.path(0).path(0);
      ctx.output("value", cell.isMissingNode() ? null : JsonValues.toValue(cell));
      return;
    }
    long columns = 0;
    for (JsonNode row : values) {
      columns = Math.max(columns, row.size());
    }
    ctx.output("values", values.isMissingNode() ? List.of() : JsonValues.toValue(values));
    ctx.output("row_count", (long) values.size());
    ctx.output("column_count", columns);
  }

  private static List<?> rows(NodeContext ctx, String key, boolean single) throws NodeException {
    Object v = ctx.param(key);
    if (v instanceof String s && s.strip().startsWith("[")) {
      v = DictNodes.parse(s, ctx.nodeId());
    }
    if (!(v instanceof List<?> l) || l.isEmpty()) {
      throw required(ctx, key + " (a list" + (single ? "" : " of rows") + ")");
    }
    if (single || !(l.get(0) instanceof List<?>)) {
      return List.of(l);
    }
    return l;
  }

  private static void writeRange(NodeContext ctx, GoogleApi api, String key) throws NodeException {
    String id = spreadsheet(ctx);
    String range = a1(ctx, key);
    List<?> values;
    if ("cell".equals(key)) {
      Object value = ctx.param("value");
      if (value == null) {
        throw required(ctx, "value");
      }
      values = List.of(List.of(value));
    } else {
      values = rows(ctx, "values", false);
    }
    JsonNode r =
        api.send(
            "PUT",
            api.url(SHEETS, id, "values", range)
                .addQueryParameter(
                    "valueInputOption", ctx.string("value_input_option", "USER_ENTERED")),
            body("range", range, "majorDimension", "ROWS", "values", values));
    ctx.output("updated_cells", r.path("updatedCells").asLong(0));
    ctx.output("updated_rows", r.path("updatedRows").asLong(0));
    ctx.output("updated_columns", r.path("updatedColumns").asLong(0));
    ctx.output("updated_range", r.path("updatedRange").asText(""));
  }

  private static void appendRow(NodeContext ctx, GoogleApi api) throws NodeException {
    String id = spreadsheet(ctx);
    List<?> values = rows(ctx, "values", true);
    String range = ctx.string("range", "");
    String sheet = optional(ctx, "sheet_name");
    if (range.isBlank()) {
      range = sheet == null ? "A1" : "'" + sheet.replace("'", "''") + "'!A1";
    } else if (sheet != null && !range.contains("!")) {
      range = "'" + sheet.replace("'", "''") + "'!" + range;
    }
    JsonNode r =
        api.send(
            "POST",
            api.url(SHEETS, id, "values", range + ":append")
                .addQueryParameter(
                    "valueInputOption", ctx.string("value_input_option", "USER_ENTERED"))
                .addQueryParameter("insertDataOption", "INSERT_ROWS"),
            body("majorDimension", "ROWS", "values", values));
    ctx.output("updated_cells", r.path("updates").path("updatedCells").asLong(0));
    ctx.output("updated_range", r.path("updates").path("updatedRange").asText(""));
    ctx.output("table_range", r.path("tableRange").asText(""));
  }

  private static void clearRange(NodeContext ctx, GoogleApi api) throws NodeException {
    String id = spreadsheet(ctx);
    JsonNode r = api.send("POST", api.url(SHEETS, id, "values", a1(ctx, "range") + ":clear"), null);
    ctx.output("cleared_range", r.path("clearedRange").asText(""));
  }

  private static JsonNode batchUpdate(NodeContext ctx, GoogleApi api, String id, Object request)
      throws NodeException {
    return api.send(
        "POST", api.url(SHEETS, id + ":batchUpdate"), body("requests", List.of(request)));
  }

  /** A 1-based row number, or a column number or letters (A = 1), as a 0-based index. */
  private static long index(NodeContext ctx, String key, String alt) throws NodeException {
    Object v = ctx.param(key) != null ? ctx.param(key) : ctx.param(alt);
    if (v == null || "".equals(v)) {
      throw required(ctx, key);
    }
    String s = com.casarerpa.fleet.workflow.template.PythonText.str(v).strip();
    long n;
    if (s.matches("[A-Za-z]+")) {
      n = 0;
      for (char ch : s.toUpperCase(Locale.ROOT).toCharArray()) {
        n = n * 26 + (ch - 'A' + 1);
      }
    } else {
      n = ctx.integer(ctx.param(key) != null ? key : alt, 0);
    }
    if (n < 1) {
      throw new NodeException(
          ctx.nodeId() + ": " + key + " must be 1 or more (A or more for a column)",
          "ValueError",
          null);
    }
    return n - 1;
  }

  private static void dimension(NodeContext ctx, GoogleApi api, boolean insert, String dim)
      throws NodeException {
    String id = spreadsheet(ctx);
    boolean rows = "ROWS".equals(dim);
    long start = index(ctx, rows ? "row" : "column", rows ? "row_num" : "start_col");
    long count = ctx.integer(rows ? "num_rows" : "num_columns", ctx.integer("count", 1));
    Map<String, Object> range =
        body(
            "sheetId",
            ctx.integer("sheet_id", 0),
            "dimension",
            dim,
            "startIndex",
            start,
            "endIndex",
            start + Math.max(1, count));
    batchUpdate(
        ctx,
        api,
        id,
        insert
            ? body("insertDimension", body("range", range, "inheritFromBefore", start > 0))
            : body("deleteDimension", body("range", range)));
  }

  private static void addSheet(NodeContext ctx, GoogleApi api) throws NodeException {
    String id = spreadsheet(ctx);
    JsonNode r =
        batchUpdate(
            ctx, api, id, body("addSheet", body("properties", body("title", text(ctx, "title")))));
    JsonNode props = r.path("replies").path(0).path("addSheet").path("properties");
    ctx.output("sheet_id", props.path("sheetId").asLong(0));
    ctx.output("sheet_title", props.path("title").asText(""));
  }

  private static void deleteSheet(NodeContext ctx, GoogleApi api) throws NodeException {
    String id = spreadsheet(ctx);
    if (ctx.param("sheet_id") == null || "".equals(ctx.param("sheet_id"))) {
      throw required(ctx, "sheet_id");
    }
    batchUpdate(ctx, api, id, body("deleteSheet", body("sheetId", ctx.integer("sheet_id", 0))));
  }

  /** A1 cells ({@code B2:C5}) to a GridRange on {@code sheet_id}. */
  private static Map<String, Object> gridRange(NodeContext ctx, String a1) throws NodeException {
    String cells = a1.contains("!") ? a1.substring(a1.lastIndexOf('!') + 1) : a1;
    var m =
        java.util.regex.Pattern.compile("([A-Za-z]+)(\\d+)(?::([A-Za-z]+)(\\d+))?").matcher(cells);
    if (!m.matches()) {
      throw new NodeException(
          ctx.nodeId() + ": range '" + a1 + "' is not an A1 range such as A1:B10",
          "ValueError",
          null);
    }
    long c1 = column(m.group(1));
    long r1 = Long.parseLong(m.group(2));
    long c2 = m.group(3) == null ? c1 : column(m.group(3));
    long r2 = m.group(4) == null ? r1 : Long.parseLong(m.group(4));
    return body(
        "sheetId",
        ctx.integer("sheet_id", 0),
        "startRowIndex",
        r1 - 1,
        "endRowIndex",
        r2,
        "startColumnIndex",
        c1 - 1,
        "endColumnIndex",
        c2);
  }

  private static long column(String letters) {
    long n = 0;
    for (char ch : letters.toUpperCase(Locale.ROOT).toCharArray()) {
      n = n * 26 + (ch - 'A' + 1);
    }
    return n;
  }

  private static Map<String, Object> color(NodeContext ctx, String key) throws NodeException {
    String hex = optional(ctx, key);
    if (hex == null) {
      return null;
    }
    String h = hex.startsWith("#") ? hex.substring(1) : hex;
    if (!h.matches("[0-9A-Fa-f]{6}")) {
      throw new NodeException(
          ctx.nodeId() + ": " + key + " must be a colour such as #FF0000", "ValueError", null);
    }
    int v = Integer.parseInt(h, 16);
    return body(
        "red",
        ((v >> 16) & 0xFF) / 255.0,
        "green",
        ((v >> 8) & 0xFF) / 255.0,
        "blue",
        (v & 0xFF) / 255.0);
  }

  private static void formatCells(NodeContext ctx, GoogleApi api) throws NodeException {
    String id = spreadsheet(ctx);
    Map<String, Object> grid = gridRange(ctx, text(ctx, "range"));
    Map<String, Object> textFormat = new LinkedHashMap<>();
    List<String> fields = new ArrayList<>();
    if (ctx.param("bold") != null) {
      textFormat.put("bold", ctx.flag("bold", false));
      fields.add("userEnteredFormat.textFormat.bold");
    }
    if (ctx.param("italic") != null) {
      textFormat.put("italic", ctx.flag("italic", false));
      fields.add("userEnteredFormat.textFormat.italic");
    }
    if (optional(ctx, "font_size") != null) {
      textFormat.put("fontSize", ctx.integer("font_size", 10));
      fields.add("userEnteredFormat.textFormat.fontSize");
    }
    Map<String, Object> fg = color(ctx, "text_color");
    if (fg != null) {
      textFormat.put("foregroundColor", fg);
      fields.add("userEnteredFormat.textFormat.foregroundColor");
    }
    Map<String, Object> format = new LinkedHashMap<>();
    if (!textFormat.isEmpty()) {
      format.put("textFormat", textFormat);
    }
    Map<String, Object> bg = color(ctx, "background_color");
    if (bg != null) {
      format.put("backgroundColor", bg);
      fields.add("userEnteredFormat.backgroundColor");
    }
    String numberFormat = optional(ctx, "number_format");
    if (numberFormat != null) {
      format.put("numberFormat", body("type", "NUMBER", "pattern", numberFormat));
      fields.add("userEnteredFormat.numberFormat");
    }
    if (fields.isEmpty()) {
      throw required(
          ctx, "a format (bold, italic, font_size, text_color, background_color or number_format)");
    }
    batchUpdate(
        ctx,
        api,
        id,
        body(
            "repeatCell",
            body(
                "range", grid,
                "cell", body("userEnteredFormat", format),
                "fields", String.join(",", fields))));
  }

  // ---- Drive ----

  private static String fileId(NodeContext ctx) throws NodeException {
    return text(ctx, "file_id");
  }

  private static void driveList(NodeContext ctx, GoogleApi api) throws NodeException {
    List<String> q = new ArrayList<>();
    String folder = optional(ctx, "folder_id");
    if (folder != null) {
      q.add("'" + folder.replace("\\", "\\\\").replace("'", "\\'") + "' in parents");
    }
    String query = optional(ctx, "query");
    if (query != null) {
      q.add(query);
    }
    if (!ctx.flag("include_trashed", false)) {
      q.add("trashed = false");
    }
    HttpUrl.Builder url =
        api.url(DRIVE)
            .addQueryParameter("q", String.join(" and ", q))
            .addQueryParameter(
                "pageSize",
                String.valueOf(ctx.integer("max_results", ctx.integer("page_size", 100))))
            .addQueryParameter("fields", "nextPageToken,files(" + FILE_FIELDS + ")");
    String order = optional(ctx, "order_by");
    if (order != null) {
      url.addQueryParameter("orderBy", order);
    }
    JsonNode r = api.get(url);
    JsonNode files = r.path("files");
    ctx.output("files", files.isMissingNode() ? List.of() : JsonValues.toValue(files));
    ctx.output("file_count", (long) files.size());
    ctx.output("next_page_token", r.path("nextPageToken").asText(""));
  }

  private static void fileOutputs(NodeContext ctx, JsonNode f) {
    ctx.output("file_id", f.path("id").asText(""));
    ctx.output("name", f.path("name").asText(""));
    ctx.output("mime_type", f.path("mimeType").asText(""));
    ctx.output("web_view_link", f.path("webViewLink").asText(""));
    ctx.output("file", JsonValues.toValue(f));
  }

  private static void driveGet(NodeContext ctx, GoogleApi api) throws NodeException {
    JsonNode f = api.get(api.url(DRIVE, fileId(ctx)).addQueryParameter("fields", FILE_FIELDS));
    fileOutputs(ctx, f);
    ctx.output("size", f.path("size").asLong(0));
  }

  private static void driveUpload(NodeContext ctx, GoogleApi api) throws NodeException {
    Path file = ctx.resolvePath(text(ctx, "file_path"));
    if (!Files.isRegularFile(file)) {
      throw new NodeException(
          ctx.nodeId()
              + ": file not found: "
              + ctx.string("file_path", "")
              + " (looked for "
              + file
              + ")",
          "FileNotFoundError",
          null);
    }
    String mime = ctx.string("mime_type", "application/octet-stream");
    String folder = optional(ctx, "folder_id");
    Map<String, Object> meta =
        body(
            "name",
            ctx.string("name", file.getFileName().toString()),
            "parents",
            folder == null ? null : List.of(folder));
    MultipartBody multipart =
        new MultipartBody.Builder()
            .setType(MediaType.get("multipart/related"))
            .addPart(RequestBody.create(JsonValues.write(meta), GoogleApi.JSON))
            .addPart(RequestBody.create(file.toFile(), MediaType.get(mime)))
            .build();
    HttpUrl.Builder url =
        api.url("upload/" + DRIVE)
            .addQueryParameter("uploadType", "multipart")
            .addQueryParameter("fields", FILE_FIELDS);
    JsonNode f = api.send(new Request.Builder().url(url.build()).post(multipart));
    fileOutputs(ctx, f);
  }

  private static void driveDownload(NodeContext ctx, GoogleApi api, boolean export)
      throws NodeException {
    String id = fileId(ctx);
    String exportMime = ctx.string("export_format", ctx.string("mime_type", "application/pdf"));
    String destination =
        ctx.string("destination", ctx.string("output_path", ctx.string("save_path", "")));
    Path target = ctx.resolvePath(destination.isBlank() ? "." : destination);
    if (Files.isDirectory(target) || destination.endsWith("/") || destination.endsWith("\\")) {
      String name =
          api.get(api.url(DRIVE, id).addQueryParameter("fields", "name")).path("name").asText(id);
      if (export && "application/pdf".equals(exportMime) && !name.endsWith(".pdf")) {
        name = name + ".pdf";
      }
      target = ctx.resolvePath(target.resolve(Path.of(name).getFileName().toString()).toString());
    }
    byte[] data =
        api.bytes(
            export
                ? api.url(DRIVE, id, "export").addQueryParameter("mimeType", exportMime)
                : api.url(DRIVE, id).addQueryParameter("alt", "media"));
    try {
      if (target.getParent() != null) {
        Files.createDirectories(target.getParent());
      }
      Files.write(target, data);
    } catch (IOException e) {
      throw new NodeException(
          ctx.nodeId() + ": cannot write " + target.getFileName() + ": " + e.getMessage(),
          "OSError",
          null);
    }
    ctx.output("file_path", target.toString());
    ctx.output("size", (long) data.length);
  }

  private static void driveCreateFolder(NodeContext ctx, GoogleApi api) throws NodeException {
    String parent = optional(ctx, "parent_id");
    JsonNode f =
        api.send(
            "POST",
            api.url(DRIVE).addQueryParameter("fields", FILE_FIELDS),
            body(
                "name",
                text(ctx, "name"),
                "mimeType",
                FOLDER_MIME,
                "parents",
                parent == null ? null : List.of(parent)));
    fileOutputs(ctx, f);
    ctx.output("folder_id", f.path("id").asText(""));
  }

  private static void driveCopy(NodeContext ctx, GoogleApi api) throws NodeException {
    String folder = optional(ctx, "folder_id");
    JsonNode f =
        api.send(
            "POST",
            api.url(DRIVE, fileId(ctx), "copy").addQueryParameter("fields", FILE_FIELDS),
            body(
                "name",
                optional(ctx, "new_name"),
                "parents",
                folder == null ? null : List.of(folder)));
    fileOutputs(ctx, f);
  }

  private static void driveMove(NodeContext ctx, GoogleApi api) throws NodeException {
    String id = fileId(ctx);
    String folder = text(ctx, "folder_id");
    List<String> old = new ArrayList<>();
    api.get(api.url(DRIVE, id).addQueryParameter("fields", "parents"))
        .path("parents")
        .forEach(p -> old.add(p.asText()));
    HttpUrl.Builder url =
        api.url(DRIVE, id)
            .addQueryParameter("addParents", folder)
            .addQueryParameter("fields", FILE_FIELDS);
    if (!old.isEmpty()) {
      url.addQueryParameter("removeParents", String.join(",", old));
    }
    fileOutputs(ctx, api.send("PATCH", url, null));
  }

  private static void driveRename(NodeContext ctx, GoogleApi api) throws NodeException {
    fileOutputs(
        ctx,
        api.send(
            "PATCH",
            api.url(DRIVE, fileId(ctx)).addQueryParameter("fields", FILE_FIELDS),
            body("name", text(ctx, "new_name"))));
  }

  private static void driveDelete(NodeContext ctx, GoogleApi api) throws NodeException {
    String id = fileId(ctx);
    api.delete(api.url(DRIVE, id));
    ctx.output("deleted_file_id", id);
  }

  private static void driveShare(NodeContext ctx, GoogleApi api) throws NodeException {
    String id = fileId(ctx);
    String type = ctx.string("permission_type", "user");
    String email = optional(ctx, "email");
    if (email == null && ("user".equals(type) || "group".equals(type))) {
      throw required(ctx, "email");
    }
    JsonNode r =
        api.send(
            "POST",
            api.url(DRIVE, id, "permissions")
                .addQueryParameter(
                    "sendNotificationEmail", String.valueOf(ctx.flag("send_notification", true))),
            body(
                "type",
                type,
                "role",
                ctx.string("role", "reader"),
                "emailAddress",
                email,
                "domain",
                optional(ctx, "domain")));
    ctx.output("permission_id", r.path("id").asText(""));
    ctx.output("file_id", id);
  }
}
