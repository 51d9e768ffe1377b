package com.casarerpa.fleet.workflow.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.fakes.LocalMailServer;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** E-mail nodes against GreenMail (real SMTP and IMAP on loopback). */
class EmailNodesTest {
  @TempDir Path job;
  private LocalMailServer server;

  @BeforeEach
  void start() {
    server = new LocalMailServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RunResult run(TestWorkflow wf) throws Exception {
    try (WorkflowEngine engine =
        WorkflowEngine.builder()
            .workRoot(job)
            .credentials(CredentialsProvider.of(Map.of("email", server.credentials())))
            .build()) {
      return engine.run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(job), null, null);
    }
  }

  @Test
  void send_then_read_filter_and_mark() throws Exception {
    RunResult sent =
        run(
            TestWorkflow.create()
                .node(
                    "send",
                    "SendEmailNode",
                    "to",
                    LocalMailServer.ADDRESS,
                    "subject",
                    "Invoice 42",
                    "body",
                    "Please pay")
                .node("read", "ReadEmailsNode", "folder", "INBOX")
                .node(
                    "filter",
                    "FilterEmailsNode",
                    "emails",
                    "{{read.emails}}",
                    "subject_contains",
                    "invoice")
                .chain("send", "read", "filter"));
    assertThat(sent.status()).as(sent.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(server.greenMail().getReceivedMessages()).hasSize(1);
    List<?> emails = (List<?>) sent.nodeOutputs().get("read").get("emails");
    assertThat(emails).hasSize(1);
    Map<?, ?> email = (Map<?, ?>) emails.getFirst();
    assertThat(email.get("subject")).isEqualTo("Invoice 42");
    assertThat(((String) email.get("body_text")).strip()).isEqualTo("Please pay");
    assertThat(sent.nodeOutputs().get("filter")).containsEntry("count", 1L);

    String uid = (String) email.get("uid");
    RunResult marked =
        run(
            TestWorkflow.create()
                .node("mark", "MarkEmailNode", "email_uid", uid, "mark_as", "read")
                .node("move", "MoveEmailNode", "email_uid", uid, "target_folder", "Archive")
                .chain("mark", "move"));
    assertThat(marked.status()).as(marked.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    try (Store store = server.greenMail().getImap().createStore()) {
      store.connect(LocalMailServer.USER, LocalMailServer.PASSWORD);
      Folder archive = store.getFolder("Archive");
      archive.open(Folder.READ_ONLY);
      assertThat(archive.getMessageCount()).isEqualTo(1);
      assertThat(archive.getMessage(1).isSet(Flags.Flag.SEEN)).isTrue();
    }
  }

  @Test
  void attachments_are_saved_into_the_job_folder() throws Exception {
    GreenMailUtil.sendAttachmentEmail(
        LocalMailServer.ADDRESS,
        "someone@localhost",
        "report",
        "see attached",
        "col1,col2".getBytes(),
        "text/csv",
        "report.csv",
        "the report",
        server.greenMail().getSmtp().getServerSetup());
    RunResult read = run(TestWorkflow.create().node("read", "ReadEmailsNode"));
    Map<?, ?> email =
        (Map<?, ?>) ((List<?>) read.nodeOutputs().get("read").get("emails")).getFirst();
    assertThat(email.get("attachments")).isEqualTo(List.of("report.csv"));
    RunResult saved =
        run(
            TestWorkflow.create()
                .node(
                    "save",
                    "SaveAttachmentNode",
                    "email_uid",
                    email.get("uid"),
                    "save_path",
                    "mail")
                .node("del", "DeleteEmailNode", "email_uid", email.get("uid"), "permanent", true)
                .chain("save", "del"));
    assertThat(saved.status()).as(saved.errorMessage()).isEqualTo(RunStatus.COMPLETED);
    assertThat(Files.readString(job.resolve("mail/report.csv"))).isEqualTo("col1,col2");
    RunResult after = run(TestWorkflow.create().node("read", "ReadEmailsNode"));
    assertThat(after.nodeOutputs().get("read")).containsEntry("count", 0L);
  }

  @Test
  void a_wrong_uid_is_a_clear_error() throws Exception {
    RunResult r = run(TestWorkflow.create().node("del", "DeleteEmailNode", "email_uid", "999"));
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.errorMessage()).isEqualTo("del: no message with UID 999 in INBOX");
  }
}
