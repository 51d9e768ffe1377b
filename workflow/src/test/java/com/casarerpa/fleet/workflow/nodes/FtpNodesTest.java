package com.casarerpa.fleet.workflow.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.LogLevel;
import com.casarerpa.fleet.workflow.RecordingListener;
import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.fakes.LocalFtpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FTP nodes against a real FTP server on loopback. */
class FtpNodesTest {
  @TempDir Path dir;
  private Path root;
  private Path job;
  private LocalFtpServer server;
  private final RecordingListener listener = new RecordingListener();

  @BeforeEach
  void start() throws Exception {
    root = Files.createDirectories(dir.resolve("root"));
    job = Files.createDirectories(dir.resolve("job"));
    server = new LocalFtpServer(root);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RunResult run(Map<String, String> creds, TestWorkflow wf) throws Exception {
    try (WorkflowEngine engine =
        WorkflowEngine.builder()
            .workRoot(job)
            .credentials(CredentialsProvider.of(Map.of("ftp", creds)))
            .build()) {
      return engine.run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(job), listener, null);
    }
  }

  @Test
  void upload_list_size_download_rename_delete() throws Exception {
    Files.writeString(job.resolve("report.txt"), "hello ftp");
    RunResult r =
        run(
            server.credentials(),
            TestWorkflow.create()
                .node("c", "FTPConnectNode", "host", "ftp.example.com", "password", "from-json")
                .node("mk", "FTPMakeDirNode", "remote_path", "/in/deep", "parents", true)
                .node(
                    "up",
                    "FTPUploadNode",
                    "local_path",
                    "report.txt",
                    "remote_path",
                    "/in/deep/r.txt")
                .node("ls", "FTPListNode", "remote_path", "/in/deep")
                .node("sz", "FTPGetSizeNode", "remote_path", "/in/deep/r.txt")
                .node("mv", "FTPRenameNode", "old_path", "/in/deep/r.txt", "new_path", "/in/r2.txt")
                .node(
                    "dl", "FTPDownloadNode", "remote_path", "/in/r2.txt", "local_path", "back.txt")
                .node("rm", "FTPDeleteNode", "path", "/in/r2.txt")
                .node("bye", "FTPDisconnectNode")
                .chain("c", "mk", "up", "ls", "sz", "mv", "dl", "rm", "bye"));
    assertThat(r.status()).as(r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(r.nodeOutputs().get("ls")).containsEntry("count", 1L);
    assertThat((List<?>) r.nodeOutputs().get("ls").get("items"))
        .singleElement()
        .asString()
        .endsWith("r.txt");
    assertThat(r.nodeOutputs().get("sz")).containsEntry("size", 9L).containsEntry("found", true);
    assertThat(Files.readString(job.resolve("back.txt"))).isEqualTo("hello ftp");
    assertThat(root.resolve("in/r2.txt")).doesNotExist();
    assertThat(root.resolve("in/deep")).isDirectory();
    assertThat(listener.lines)
        .anySatisfy(
            l -> {
              assertThat(l.level()).isEqualTo(LogLevel.WARNING);
              assertThat(l.message())
                  .contains("ignoring the workflow's FTP host 'ftp.example.com'");
            });
  }

  @Test
  void a_wrong_password_is_a_clear_error_without_the_password() throws Exception {
    Map<String, String> creds = new HashMap<>(server.credentials());
    creds.put("password", "wrong-one");
    RunResult r = run(creds, TestWorkflow.create().node("c", "FTPConnectNode"));
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.errorMessage()).startsWith("c: FTP login failed: 530").doesNotContain("wrong-one");
  }

  @Test
  void a_node_without_a_connection_says_what_to_do() throws Exception {
    RunResult r = run(server.credentials(), TestWorkflow.create().node("ls", "FTPListNode"));
    assertThat(r.errorMessage())
        .isEqualTo("ls: not connected to an FTP server; run an FTPConnectNode first");
  }
}
