package com.casarerpa.fleet.workflow.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.workflow.RunOptions;
import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.RunStatus;
import com.casarerpa.fleet.workflow.TestWorkflow;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Excel, Word and PDF nodes on files this test creates in the job folder. */
class DocumentNodesTest {
  @TempDir Path work;

  private RunResult run(TestWorkflow wf) throws Exception {
    try (WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build()) {
      RunResult r =
          engine.run(wf.parse(), RunOptions.DEFAULTS.withWorkingDirectory(work), null, null);
      assertThat(r.status()).as("%s", r.errorMessage()).isEqualTo(RunStatus.COMPLETED);
      return r;
    }
  }

  @Test
  void excel_reads_writes_a_range_and_saves() throws Exception {
    try (Workbook wb = new XSSFWorkbook();
        OutputStream out = Files.newOutputStream(work.resolve("book.xlsx"))) {
      var sheet = wb.createSheet("Data");
      sheet.createRow(0).createCell(0).setCellValue("name");
      sheet.getRow(0).createCell(1).setCellValue(42);
      wb.write(out);
    }
    RunResult r =
        run(
            TestWorkflow.create()
                .node("open", "ExcelOpenNode", "file_path", "book.xlsx")
                .node("read", "ExcelReadCellNode", "cell", "B1")
                .node("write", "ExcelWriteCellNode", "cell", "A2", "value", "Test")
                .node("range", "ExcelGetRangeNode", "range", "A1:B2")
                .node("close", "ExcelCloseNode")
                .chain("open", "read", "write", "range", "close"));
    assertThat(r.nodeOutputs().get("read")).containsEntry("value", 42L);
    assertThat(r.nodeOutputs().get("range"))
        .containsEntry("data", List.of(List.of("name", 42L), java.util.Arrays.asList("Test", null)))
        .containsEntry("rows", 2L);
    try (InputStream in = Files.newInputStream(work.resolve("book.xlsx"));
        Workbook saved = new XSSFWorkbook(in)) {
      assertThat(saved.getSheetAt(0).getRow(1).getCell(0).getStringCellValue()).isEqualTo("Test");
    }
  }

  @Test
  void a_missing_workbook_is_a_clear_error() throws Exception {
    try (WorkflowEngine engine = WorkflowEngine.builder().workRoot(work).build()) {
      RunResult r =
          engine.run(
              TestWorkflow.create().node("open", "ExcelOpenNode", "file_path", "nope.xlsx").parse(),
              RunOptions.DEFAULTS.withWorkingDirectory(work),
              null,
              null);
      assertThat(r.status()).isEqualTo(RunStatus.FAILED);
      assertThat(r.errorMessage())
          .isEqualTo(
              "open: file not found: nope.xlsx (looked for "
                  + work.toAbsolutePath().normalize().resolve("nope.xlsx")
                  + ")");
    }
  }

  @Test
  void word_text_and_replace() throws Exception {
    try (XWPFDocument doc = new XWPFDocument();
        OutputStream out = Files.newOutputStream(work.resolve("letter.docx"))) {
      doc.createParagraph().createRun().setText("Dear old friend,");
      doc.createParagraph().createRun().setText("the OLD house is for sale.");
      doc.write(out);
    }
    RunResult r =
        run(
            TestWorkflow.create()
                .node("open", "WordOpenNode", "file_path", "letter.docx")
                .node("replace", "WordReplaceTextNode", "find", "old", "replace", "new")
                .node("text", "WordGetTextNode")
                .node("close", "WordCloseNode")
                .chain("open", "replace", "text", "close"));
    assertThat(r.nodeOutputs().get("replace")).containsEntry("replacements", 2L);
    assertThat(r.nodeOutputs().get("text"))
        .containsEntry("text", "Dear new friend,\nthe new house is for sale.")
        .containsEntry("word_count", 9L);
    try (InputStream in = Files.newInputStream(work.resolve("letter.docx"));
        XWPFDocument saved = new XWPFDocument(in)) {
      assertThat(saved.getParagraphs().get(1).getText()).isEqualTo("the new house is for sale.");
    }
  }

  private void pdf(String name, String... pageTexts) throws Exception {
    try (PDDocument doc = new PDDocument()) {
      for (String text : pageTexts) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
          s.beginText();
          s.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
          s.newLineAtOffset(72, 700);
          s.showText(text);
          s.endText();
        }
      }
      doc.getDocumentInformation().setTitle("Report");
      doc.save(work.resolve(name).toFile());
    }
  }

  @Test
  void pdf_text_info_merge_and_split() throws Exception {
    pdf("a.pdf", "first page", "second page");
    pdf("b.pdf", "third page");
    RunResult r =
        run(
            TestWorkflow.create()
                .node("read", "ReadPDFTextNode", "file_path", "a.pdf")
                .node("info", "GetPDFInfoNode", "file_path", "a.pdf")
                .node(
                    "merge",
                    "MergePDFsNode",
                    "input_files",
                    List.of("a.pdf", "b.pdf"),
                    "output_path",
                    "out/all.pdf")
                .node("split", "SplitPDFNode", "input_file", "out/all.pdf", "output_dir", "pages")
                .chain("read", "info", "merge", "split"));
    assertThat((String) r.nodeOutputs().get("read").get("text"))
        .contains("first page")
        .contains("second page");
    assertThat(r.nodeOutputs().get("read")).containsEntry("page_count", 2L);
    assertThat(r.nodeOutputs().get("info"))
        .containsEntry("title", "Report")
        .containsEntry("page_count", 2L);
    assertThat(r.nodeOutputs().get("merge")).containsEntry("page_count", 3L);
    assertThat(r.nodeOutputs().get("split")).containsEntry("page_count", 3L);
    try (PDDocument third = Loader.loadPDF(work.resolve("pages/page_3.pdf").toFile())) {
      assertThat(third.getNumberOfPages()).isEqualTo(1);
    }
  }

  @Test
  void a_workbook_left_open_is_closed_by_the_engine() throws Exception {
    try (Workbook wb = new XSSFWorkbook();
        OutputStream out = Files.newOutputStream(work.resolve("keep.xlsx"))) {
      wb.createSheet("S");
      wb.write(out);
    }
    RunResult r =
        run(
            TestWorkflow.create()
                .node("open", "ExcelOpenNode", "file_path", "keep.xlsx")
                .node("write", "ExcelWriteCellNode", "cell", "A1", "value", 1)
                .chain("open", "write"));
    assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
    try (InputStream in = Files.newInputStream(work.resolve("keep.xlsx"));
        Workbook saved = new XSSFWorkbook(in)) {
      assertThat(saved.getSheetAt(0).getRow(0)).isNull(); // not saved without ExcelCloseNode
    }
  }
}
