package com.casarerpa.fleet.workflow.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gmail, Sheets and Drive nodes against a loopback fake of the documented REST shapes (Gmail API
 * v1, Sheets API v4, Drive API v3): method, path, query, bearer token and body of each request.
 */
class GoogleNodesTest {
  private static final String TOKEN = "ya29.robot-access-token";
  @TempDir Path job;
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start(0);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private Map<String, Map<String, String>> creds(String... services) {
    Map<String, String> c = Map.of("access_token", TOKEN, "base_url", server.url("/").toString());
    java.util.HashMap<String, Map<String, String>> m = new java.util.HashMap<>();
    for (String s : services) {
      m.put(s, c);
    }
    return m;
  }

  private RunResult run(TestWorkflow wf, String... services) throws Exception {
    try (WorkflowEngine engine =
        WorkflowEngine.builder()
            .workRoot(job)
            .httpAllow("127.0.0.1") // the fake API listens on loopback
            .credentials(CredentialsProvider.of(creds(services)))
            .build()) {
      return engine.run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(job), null, null);
    }
  }

  private void answer(String json) {
    server.enqueue(new MockResponse.Builder().body(json).build());
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    return r;
  }

  private static JsonNode json(RecordedRequest r) throws Exception {
    return JsonValues.MAPPER.readTree(r.getBody().utf8());
  }

  @Test
  void gmail_send_posts_a_base64url_mime_message() throws Exception {
    answer("{\"id\":\"m-1\",\"threadId\":\"t-1\",\"labelIds\":[\"SENT\"]}");
    RunResult r =
        run(
            TestWorkflow.create()
                .node(
                    "send",
                    "GmailSendEmailNode",
                    "to",
                    "test@example.com",
                    "subject",
                    "Test",
                    "body",
                    "Hello"),
            "gmail");
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("send"))
        .containsEntry("message_id", "m-1")
        .containsEntry("thread_id", "t-1");
    RecordedRequest req = take();
    assertThat(req.getMethod()).isEqualTo("POST");
    assertThat(req.getTarget()).isEqualTo("/gmail/v1/users/me/messages/send");
    String mime =
        new String(
            Base64.getUrlDecoder().decode(json(req).path("raw").asText()), StandardCharsets.UTF_8);
    assertThat(mime).contains("To: test@example.com", "Subject: Test", "Hello");
  }

  @Test
  void gmail_search_lists_with_the_query_and_get_decodes_the_plain_body() throws Exception {
    answer("{\"messages\":[{\"id\":\"a1\",\"threadId\":\"t\"}],\"resultSizeEstimate\":1}");
    String body =
        Base64.getUrlEncoder().encodeToString("Hi there".getBytes(StandardCharsets.UTF_8));
    answer(
        "{\"id\":\"a1\",\"threadId\":\"t\",\"snippet\":\"Hi\",\"labelIds\":[\"INBOX\"],\"payload\":"
            + "{\"mimeType\":\"multipart/alternative\",\"headers\":[{\"name\":\"Subject\",\"value\":\"S\"},"
            + "{\"name\":\"From\",\"value\":\"a@example.com\"}],\"parts\":[{\"mimeType\":\"text/plain\","
            + "\"body\":{\"data\":\""
            + body
            + "\"}}]}}");
    RunResult r =
        run(
            TestWorkflow.create()
                .node("search", "GmailSearchEmailsNode", "query", "is:unread", "max_results", 5)
                .node("get", "GmailGetEmailNode", "message_id", "{{search.message_ids[0]}}")
                .then("search", "get"),
            "gmail");
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("search"))
        .containsEntry("message_ids", List.of("a1"))
        .containsEntry("message_count", 1L);
    assertThat(r.nodeOutputs().get("get"))
        .containsEntry("subject", "S")
        .containsEntry("from_address", "a@example.com")
        .containsEntry("body_plain", "Hi there");
    RecordedRequest list = take();
    assertThat(list.getMethod()).isEqualTo("GET");
    assertThat(list.getUrl().encodedPath()).isEqualTo("/gmail/v1/users/me/messages");
    assertThat(list.getUrl().queryParameter("q")).isEqualTo("is:unread");
    assertThat(list.getUrl().queryParameter("maxResults")).isEqualTo("5");
    RecordedRequest get = take();
    assertThat(get.getTarget()).isEqualTo("/gmail/v1/users/me/messages/a1?format=full");
  }

  @Test
  void gmail_add_label_resolves_the_label_name_and_modifies_the_message() throws Exception {
    answer(
        "{\"labels\":[{\"id\":\"IMPORTANT\",\"name\":\"IMPORTANT\"},{\"id\":\"Label_7\",\"name\":\"Work\"}]}");
    answer("{\"id\":\"m9\",\"labelIds\":[\"Label_7\"]}");
    RunResult r =
        run(
            TestWorkflow.create()
                .node("add", "GmailAddLabelNode", "message_id", "m9", "label", "work"),
            "gmail");
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(take().getTarget()).isEqualTo("/gmail/v1/users/me/labels");
    RecordedRequest modify = take();
    assertThat(modify.getMethod()).isEqualTo("POST");
    assertThat(modify.getTarget()).isEqualTo("/gmail/v1/users/me/messages/m9/modify");
    assertThat(json(modify))
        .isEqualTo(JsonValues.MAPPER.readTree("{\"addLabelIds\":[\"Label_7\"]}"));
  }

  @Test
  void sheets_create_write_append_and_read_follow_the_v4_shapes() throws Exception {
    answer("{\"spreadsheetId\":\"sheet-1\",\"spreadsheetUrl\":\"https://docs.google.com/x\"}");
    answer("{\"updatedRange\":\"Data!A1\",\"updatedCells\":1}");
    answer(
        "{\"tableRange\":\"Data!A1\",\"updates\":{\"updatedRange\":\"Data!A2:B2\",\"updatedCells\":2}}");
    answer(
        "{\"range\":\"Data!A1:B2\",\"majorDimension\":\"ROWS\",\"values\":[[\"Test\"],[\"x\",\"7\"]]}");
    RunResult r =
        run(
            TestWorkflow.create()
                .node("create", "SheetsCreateSpreadsheetNode", "title", "Test Sheet")
                .node(
                    "set",
                    "SheetsSetCellNode",
                    "spreadsheet_id",
                    "{{create.spreadsheet_id}}",
                    "sheet_name",
                    "Data",
                    "cell",
                    "A1",
                    "value",
                    "Test")
                .node(
                    "append",
                    "SheetsAppendRowNode",
                    "spreadsheet_id",
                    "sheet-1",
                    "sheet_name",
                    "Data",
                    "values",
                    List.of("x", 7))
                .node(
                    "read",
                    "SheetsGetRangeNode",
                    "spreadsheet_id",
                    "sheet-1",
                    "range",
                    "Data!A1:B2")
                .chain("create", "set", "append", "read"),
            "sheets");
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("create")).containsEntry("spreadsheet_id", "sheet-1");
    assertThat(r.nodeOutputs().get("set")).containsEntry("updated_cells", 1L);
    assertThat(r.nodeOutputs().get("read"))
        .containsEntry("values", List.of(List.of("Test"), List.of("x", "7")))
        .containsEntry("row_count", 2L)
        .containsEntry("column_count", 2L);

    RecordedRequest create = take();
    assertThat(create.getMethod()).isEqualTo("POST");
    assertThat(create.getTarget()).isEqualTo("/v4/spreadsheets");
    assertThat(json(create))
        .isEqualTo(JsonValues.MAPPER.readTree("{\"properties\":{\"title\":\"Test Sheet\"}}"));
    RecordedRequest set = take();
    assertThat(set.getMethod()).isEqualTo("PUT");
    assertThat(set.getUrl().pathSegments())
        .containsExactly("v4", "spreadsheets", "sheet-1", "values", "'Data'!A1");
    assertThat(set.getUrl().queryParameter("valueInputOption")).isEqualTo("USER_ENTERED");
    assertThat(json(set))
        .isEqualTo(
            JsonValues.MAPPER.readTree(
                "{\"range\":\"'Data'!A1\",\"majorDimension\":\"ROWS\",\"values\":[[\"Test\"]]}"));
    RecordedRequest append = take();
    assertThat(append.getMethod()).isEqualTo("POST");
    assertThat(append.getUrl().pathSegments())
        .containsExactly("v4", "spreadsheets", "sheet-1", "values", "'Data'!A1:append");
    assertThat(append.getUrl().queryParameter("insertDataOption")).isEqualTo("INSERT_ROWS");
    assertThat(json(append))
        .isEqualTo(
            JsonValues.MAPPER.readTree("{\"majorDimension\":\"ROWS\",\"values\":[[\"x\",7]]}"));
    RecordedRequest read = take();
    assertThat(read.getMethod()).isEqualTo("GET");
    assertThat(read.getUrl().pathSegments())
        .containsExactly("v4", "spreadsheets", "sheet-1", "values", "Data!A1:B2");
  }

  @Test
  void sheets_insert_row_is_a_batch_update_on_the_sheet() throws Exception {
    answer("{\"spreadsheetId\":\"s\",\"replies\":[{}]}");
    RunResult r =
        run(
            TestWorkflow.create()
                .node("ins", "SheetsInsertRowNode", "spreadsheet_id", "s", "row", 3, "sheet_id", 5),
            "sheets");
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    RecordedRequest req = take();
    assertThat(req.getTarget()).isEqualTo("/v4/spreadsheets/s:batchUpdate");
    assertThat(json(req))
        .isEqualTo(
            JsonValues.MAPPER.readTree(
                "{\"requests\":[{\"insertDimension\":{\"range\":{\"sheetId\":5,\"dimension\":\"ROWS\","
                    + "\"startIndex\":2,\"endIndex\":3},\"inheritFromBefore\":true}}]}"));
  }

  @Test
  void drive_upload_is_a_multipart_related_request_and_delete_a_delete() throws Exception {
    Files.writeString(job.resolve("report.txt"), "drive me");
    answer("{\"id\":\"f-1\",\"name\":\"report.txt\",\"mimeType\":\"text/plain\"}");
    server.enqueue(new MockResponse.Builder().code(204).build());
    RunResult r =
        run(
            TestWorkflow.create()
                .node(
                    "up",
                    "DriveUploadFileNode",
                    "file_path",
                    "report.txt",
                    "folder_id",
                    "folder-9",
                    "mime_type",
                    "text/plain")
                .node("del", "DriveDeleteFileNode", "file_id", "{{up.file_id}}")
                .then("up", "del"),
            "drive");
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("up")).containsEntry("file_id", "f-1");
    assertThat(r.nodeOutputs().get("del")).containsEntry("deleted_file_id", "f-1");

    RecordedRequest up = take();
    assertThat(up.getMethod()).isEqualTo("POST");
    assertThat(up.getUrl().encodedPath()).isEqualTo("/upload/drive/v3/files");
    assertThat(up.getUrl().queryParameter("uploadType")).isEqualTo("multipart");
    assertThat(up.getHeaders().get("Content-Type")).startsWith("multipart/related; boundary=");
    String body = up.getBody().utf8();
    assertThat(body)
        .contains("{\"name\":\"report.txt\",\"parents\":[\"folder-9\"]}")
        .contains("Content-Type: text/plain")
        .contains("drive me");
    RecordedRequest del = take();
    assertThat(del.getMethod()).isEqualTo("DELETE");
    assertThat(del.getTarget()).isEqualTo("/drive/v3/files/f-1");
  }

  @Test
  void drive_search_and_download_into_the_job_folder() throws Exception {
    Files.createDirectories(job.resolve("out"));
    answer("{\"files\":[{\"id\":\"f-2\",\"name\":\"a.txt\"}]}");
    answer("{\"name\":\"a.txt\"}");
    server.enqueue(new MockResponse.Builder().body("file content").build());
    RunResult r =
        run(
            TestWorkflow.create()
                .node("find", "DriveSearchFilesNode", "query", "name contains 'a'")
                .node("get", "DriveDownloadFileNode", "file_id", "f-2", "destination", "out")
                .then("find", "get"),
            "drive");
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("find")).containsEntry("file_count", 1L);
    assertThat(job.resolve("out/a.txt")).hasContent("file content");
    RecordedRequest list = take();
    assertThat(list.getUrl().encodedPath()).isEqualTo("/drive/v3/files");
    assertThat(list.getUrl().queryParameter("q"))
        .isEqualTo("name contains 'a' and trashed = false");
    take(); // metadata (name)
    RecordedRequest media = take();
    assertThat(media.getTarget()).isEqualTo("/drive/v3/files/f-2?alt=media");
  }

  @Test
  void a_google_refusal_names_the_status_and_message_but_never_the_token() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(403)
            .body(
                "{\"error\":{\"code\":403,\"message\":\"The caller does not have permission\","
                    + "\"status\":\"PERMISSION_DENIED\"}}")
            .build());
    RunResult r =
        run(
            TestWorkflow.create().node("get", "DriveGetFileNode", "file_id", "secret-file"),
            "drive");
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.errorMessage())
        .isEqualTo("get: Drive refused the call (HTTP 403): The caller does not have permission")
        .doesNotContain(TOKEN);
  }

  @Test
  void an_identifier_cannot_climb_out_of_the_api_path() throws Exception {
    RunResult r =
        run(TestWorkflow.create().node("get", "DriveGetFileNode", "file_id", "../../x"), "drive");
    assertThat(r.errorMessage()).isEqualTo("get: '../../x' is not a valid identifier");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void a_loopback_base_url_is_refused_unless_the_robot_allows_internal_addresses()
      throws Exception {
    try (WorkflowEngine engine =
        WorkflowEngine.builder()
            .workRoot(job)
            .credentials(CredentialsProvider.of(creds("drive")))
            .build()) {
      RunResult r =
          engine.run(
              TestWorkflow.create().node("list", "DriveListFilesNode").parse(),
              RunOptions.DEFAULTS.withWorkingDirectory(job),
              null,
              null);
      assertThat(r.status()).isEqualTo(RunStatus.FAILED);
      assertThat(r.errorMessage()).startsWith("list: ").doesNotContain(TOKEN);
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void without_credentials_the_run_is_refused_before_any_call() throws Exception {
    try (WorkflowEngine engine = WorkflowEngine.builder().workRoot(job).build()) {
      List<ValidationIssue> issues =
          engine.validate(
              TestWorkflow.create()
                  .node("s", "SheetsGetCellNode", "spreadsheet_id", "x", "cell", "A1")
                  .parse());
      assertThat(issues)
          .anySatisfy(
              i -> {
                assertThat(i.code()).isEqualTo("NEEDS_CREDENTIALS");
                assertThat(i.message()).contains("needs sheets credentials");
              });
    }
    assertThat(server.getRequestCount()).isZero();
  }
}
