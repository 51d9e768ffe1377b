package com.casarerpa.fleet.workflow.corpus;

import com.casarerpa.fleet.workflow.PathMap;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.fakes.LocalFtpServer;
import com.casarerpa.fleet.workflow.fakes.LocalMailServer;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * The robots the corpus table names: {@code default} (no host access, no credentials, no path map),
 * {@code host} (host nodes allowed), {@code files} (the path map {@code C:\temp=temp}, with the
 * documents batch_7_7 opens created first in that folder of the job folder), {@code ftp}
 * (credentials for a local FTP server holding the files batch_7_3 touches), {@code email}
 * (credentials for a local GreenMail SMTP/IMAP server), {@code telegram}, {@code whatsapp}, {@code
 * gmail}, {@code sheets} and {@code drive} (credentials whose base URL is a loopback fake of the
 * API). The {@code drive} robot maps {@code C:\temp} like {@code files} and has the {@code
 * test.txt} batch_8_3 uploads there.
 */
final class CorpusRobots {
  private CorpusRobots() {}

  /** The corpus' Windows folder, inside the job's working folder. */
  static final PathMap TEMP_MAP = PathMap.parse("C:\\temp=temp");

  /** A robot's engine and the local services it talks to. */
  record Robot(WorkflowEngine engine, List<Closeable> services) implements Closeable {
    @Override
    public void close() throws IOException {
      engine.close();
      for (Closeable s : services) {
        s.close();
      }
    }
  }

  static Robot start(String robot, Path workDir) throws Exception {
    // the local fakes of the messaging APIs listen on loopback, which robots refuse by default
    WorkflowEngine.Builder b = WorkflowEngine.builder().workRoot(workDir).httpAllow("127.0.0.1");
    List<Closeable> services = new ArrayList<>();
    switch (robot) {
      case "default" -> {}
      case "host" -> b.allowRunCommand(true);
      case "files" -> {
        b.pathMap(TEMP_MAP);
        createDocuments(Files.createDirectories(workDir.resolve("temp")));
      }
      case "ftp" -> {
        Path root = Files.createDirectories(workDir.resolve("ftp-root"));
        Files.writeString(root.resolve("file.txt"), "twelve bytes");
        Files.writeString(root.resolve("a.txt"), "a");
        LocalFtpServer ftp = new LocalFtpServer(root);
        services.add(ftp);
        b.credentials(CredentialsProvider.of(Map.of("ftp", ftp.credentials())));
      }
      case "email" -> {
        LocalMailServer mail = new LocalMailServer();
        services.add(mail);
        b.credentials(CredentialsProvider.of(Map.of("email", mail.credentials())));
      }
      case "telegram" -> {
        MockWebServer api =
            fakeApi("{\"ok\":true,\"result\":{\"message_id\":1,\"chat\":{\"id\":123456}}}");
        services.add(api);
        b.credentials(
            CredentialsProvider.of(
                Map.of(
                    "telegram", Map.of("bot_token", "1:T", "base_url", api.url("/").toString()))));
      }
      case "whatsapp" -> {
        MockWebServer api = fakeApi("{\"messages\":[{\"id\":\"wamid.1\"}]}");
        services.add(api);
        b.credentials(
            CredentialsProvider.of(
                Map.of(
                    "whatsapp",
                    Map.of(
                        "access_token", "t",
                        "phone_number_id", "1",
                        "base_url", api.url("/").toString()))));
      }
      case "gmail", "sheets", "drive" -> {
        if (robot.equals("drive")) {
          b.pathMap(TEMP_MAP);
          Files.writeString(
              Files.createDirectories(workDir.resolve("temp")).resolve("test.txt"), "upload me");
        }
        MockWebServer api =
            fakeApi(
                "{\"messages\":[{\"id\":\"m1\",\"threadId\":\"t1\"}],\"spreadsheetId\":\"s1\","
                    + "\"properties\":{\"title\":\"Test Sheet\"},\"files\":[],\"id\":\"f1\"}");
        services.add(api);
        b.credentials(
            CredentialsProvider.of(
                Map.of(
                    robot, Map.of("access_token", "ya29.t", "base_url", api.url("/").toString()))));
      }
      default -> throw new IllegalArgumentException("unknown robot in the corpus table: " + robot);
    }
    return new Robot(b.build(), services);
  }

  /** A loopback HTTP fake answering every call with {@code json}. */
  private static MockWebServer fakeApi(String json) throws IOException {
    MockWebServer api = new MockWebServer();
    api.start(0);
    for (int i = 0; i < 20; i++) {
      api.enqueue(new MockResponse.Builder().body(json).build());
    }
    return api;
  }

  private static void createDocuments(Path dir) throws Exception {
    try (XSSFWorkbook wb = new XSSFWorkbook();
        OutputStream out = Files.newOutputStream(dir.resolve("test.xlsx"))) {
      wb.createSheet("Sheet1").createRow(0).createCell(0).setCellValue("hello");
      wb.write(out);
    }
    try (XWPFDocument doc = new XWPFDocument();
        OutputStream out = Files.newOutputStream(dir.resolve("test.docx"))) {
      doc.createParagraph().createRun().setText("the old text");
      doc.write(out);
    }
    try (PDDocument pdf = new PDDocument()) {
      pdf.addPage(new PDPage());
      pdf.save(dir.resolve("test.pdf").toFile());
    }
  }
}
