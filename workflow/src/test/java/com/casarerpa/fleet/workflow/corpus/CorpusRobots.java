package com.casarerpa.fleet.workflow.corpus;

import com.casarerpa.fleet.workflow.WorkflowEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * The robots the corpus table names: {@code default} (no host access, no credentials), {@code host}
 * (host nodes allowed), {@code files} (default, with the documents batch_7_7 opens created first in
 * the job folder, under the Windows-style names the workflow uses).
 */
final class CorpusRobots {
  private CorpusRobots() {}

  static WorkflowEngine engine(String robot, Path workDir) throws IOException {
    WorkflowEngine.Builder b = WorkflowEngine.builder().workRoot(workDir);
    return switch (robot) {
      case "default" -> b.build();
      case "host" -> b.allowRunCommand(true).build();
      case "files" -> {
        createDocuments(workDir);
        yield b.build();
      }
      default -> throw new IllegalArgumentException("unknown robot in the corpus table: " + robot);
    };
  }

  private static void createDocuments(Path dir) throws IOException {
    try (XSSFWorkbook wb = new XSSFWorkbook();
        OutputStream out = Files.newOutputStream(dir.resolve("C:\\temp\\test.xlsx"))) {
      wb.createSheet("Sheet1").createRow(0).createCell(0).setCellValue("hello");
      wb.write(out);
    }
    try (XWPFDocument doc = new XWPFDocument();
        OutputStream out = Files.newOutputStream(dir.resolve("C:\\temp\\test.docx"))) {
      doc.createParagraph().createRun().setText("the old text");
      doc.write(out);
    }
    try (PDDocument pdf = new PDDocument()) {
      pdf.addPage(new PDPage());
      pdf.save(dir.resolve("C:\\temp\\test.pdf").toFile());
    }
  }
}
