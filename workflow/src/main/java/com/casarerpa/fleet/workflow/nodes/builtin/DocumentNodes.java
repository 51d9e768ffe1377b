package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.expr.PyOps;
import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.multipdf.PDFMergerUtility;
import org.apache.pdfbox.multipdf.Splitter;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFRun;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.apache.poi.xwpf.usermodel.XWPFTableCell;
import org.apache.poi.xwpf.usermodel.XWPFTableRow;

/**
 * Excel (.xlsx/.xls through Apache POI), Word (.docx through POI) and PDF (Apache PDFBox) on files
 * in the job folder, with the original's node names, config keys and ports. The original drives
 * Excel and Word through COM on a Windows desktop; here the same nodes work on the files directly,
 * so they need no desktop. An opened workbook or document is a run resource: the following nodes
 * use the one named by their {@code workbook}/{@code document} input, else the latest opened, and
 * the engine closes (without saving) what a workflow leaves open.
 */
final class DocumentNodes {
  private DocumentNodes() {}

  static List<NodeType> all() {
    return List.of(
        NodeType.of("ExcelOpenNode", c -> DocumentNodes::excelOpen),
        NodeType.of("ExcelReadCellNode", c -> DocumentNodes::excelRead),
        NodeType.of("ExcelWriteCellNode", c -> DocumentNodes::excelWrite),
        NodeType.of("ExcelGetRangeNode", c -> DocumentNodes::excelRange),
        NodeType.of("ExcelCloseNode", c -> DocumentNodes::excelClose),
        NodeType.of("WordOpenNode", c -> DocumentNodes::wordOpen),
        NodeType.of("WordGetTextNode", c -> DocumentNodes::wordText),
        NodeType.of("WordReplaceTextNode", c -> DocumentNodes::wordReplace),
        NodeType.of("WordCloseNode", c -> DocumentNodes::wordClose),
        NodeType.of("ReadPDFTextNode", c -> DocumentNodes::pdfText),
        NodeType.of("GetPDFInfoNode", c -> DocumentNodes::pdfInfo),
        NodeType.of("MergePDFsNode", c -> DocumentNodes::pdfMerge),
        NodeType.of("SplitPDFNode", c -> DocumentNodes::pdfSplit));
  }

  /** An open workbook: saved to {@code path} only by ExcelCloseNode with {@code save}. */
  record OpenWorkbook(Workbook workbook, Path path) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      workbook.close();
    }

    void save() throws IOException {
      try (OutputStream out = Files.newOutputStream(path)) {
        workbook.write(out);
      }
    }
  }

  /** An open Word document. */
  record OpenDocument(XWPFDocument document, Path path) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      document.close();
    }

    void save() throws IOException {
      try (OutputStream out = Files.newOutputStream(path)) {
        document.write(out);
      }
    }
  }

  private static Path existingFile(NodeContext ctx, String key, boolean createIfMissing)
      throws NodeException {
    String name = ctx.string(key, "");
    if (name.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": " + key + " is required", "ValueError", null);
    }
    Path p = ctx.resolvePath(name);
    if (!createIfMissing && !Files.isRegularFile(p)) {
      throw new NodeException(
          ctx.nodeId() + ": file not found: " + name + " (looked for " + p + ")",
          "FileNotFoundError",
          null);
    }
    return p;
  }

  private static NodeException io(NodeContext ctx, String verb, Path p, Exception e) {
    if (e instanceof NoSuchFileException) {
      return new NodeException(
          ctx.nodeId() + ": cannot " + verb + " " + p.getFileName() + ": no such file",
          "FileNotFoundError",
          null);
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new NodeException(
        ctx.nodeId() + ": cannot " + verb + " " + p.getFileName() + ": " + m, "OSError", null);
  }

  // ---- Excel ----

  private static NodeResult excelOpen(NodeContext ctx) throws NodeException {
    boolean create = ctx.flag("create_if_missing", false);
    Path p = existingFile(ctx, "file_path", create);
    Workbook wb;
    try {
      if (Files.exists(p)) {
        try (InputStream in = Files.newInputStream(p)) {
          wb = WorkbookFactory.create(in);
        }
      } else {
        wb = new XSSFWorkbook();
        wb.createSheet("Sheet1");
      }
    } catch (IOException | RuntimeException e) {
      throw io(ctx, "open the workbook", p, e);
    }
    String key = "excel:" + ctx.nodeId();
    ctx.resources().put(key, new OpenWorkbook(wb, p));
    ctx.output("workbook", key);
    ctx.output("app", "poi");
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static OpenWorkbook workbook(NodeContext ctx) throws NodeException {
    Object handle = ctx.param("workbook");
    OpenWorkbook wb =
        handle instanceof String key && !key.isBlank()
            ? ctx.resources().get(key, OpenWorkbook.class)
            : ctx.resources().latest(OpenWorkbook.class);
    if (wb == null) {
      throw new NodeException(
          ctx.nodeId() + ": no open workbook; run an ExcelOpenNode first", "ValueError", null);
    }
    return wb;
  }

  /** {@code sheet}: a name, or a 1-based index (the original's default 1). */
  private static Sheet sheet(NodeContext ctx, Workbook wb, boolean create) throws NodeException {
    Object s = ctx.param("sheet");
    if (s == null || "".equals(s)) {
      s = 1L;
    }
    if (s instanceof Number || (s instanceof String str && str.strip().matches("\\d+"))) {
      int index = (int) PyOps.toInt(s) - 1;
      if (index >= 0 && index < wb.getNumberOfSheets()) {
        return wb.getSheetAt(index);
      }
      if (create && index == wb.getNumberOfSheets()) {
        return wb.createSheet();
      }
      throw new NodeException(
          ctx.nodeId()
              + ": the workbook has no sheet "
              + s
              + " (it has "
              + wb.getNumberOfSheets()
              + ")",
          "IndexError",
          null);
    }
    Sheet sheet = wb.getSheet(PythonText.str(s));
    if (sheet == null && create) {
      sheet = wb.createSheet(PythonText.str(s));
    }
    if (sheet == null) {
      throw new NodeException(
          ctx.nodeId() + ": the workbook has no sheet '" + s + "'", "KeyError", null);
    }
    return sheet;
  }

  private static CellReference cellRef(NodeContext ctx) throws NodeException {
    String ref = ctx.string("cell", "").strip();
    try {
      return new CellReference(ref);
    } catch (IllegalArgumentException e) {
      throw new NodeException(
          ctx.nodeId() + ": '" + ref + "' is not a cell reference such as A1", "ValueError", null);
    }
  }

  private static Object value(Cell cell) {
    if (cell == null) {
      return null;
    }
    CellType type =
        cell.getCellType() == CellType.FORMULA
            ? cell.getCachedFormulaResultType()
            : cell.getCellType();
    return switch (type) {
      case NUMERIC -> {
        if (DateUtil.isCellDateFormatted(cell)) {
          yield cell.getLocalDateTimeCellValue().toString();
        }
        double d = cell.getNumericCellValue();
        yield d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
      }
      case STRING -> cell.getStringCellValue();
      case BOOLEAN -> cell.getBooleanCellValue();
      case BLANK, _NONE, ERROR ->
          type == CellType.ERROR ? new DataFormatter().formatCellValue(cell) : null;
      default -> null;
    };
  }

  private static NodeResult excelRead(NodeContext ctx) throws NodeException {
    OpenWorkbook wb = workbook(ctx);
    Sheet sheet = sheet(ctx, wb.workbook(), false);
    CellReference ref = cellRef(ctx);
    Row row = sheet.getRow(ref.getRow());
    ctx.output("value", row == null ? null : value(row.getCell(ref.getCol())));
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static NodeResult excelWrite(NodeContext ctx) throws NodeException {
    OpenWorkbook wb = workbook(ctx);
    Sheet sheet = sheet(ctx, wb.workbook(), true);
    CellReference ref = cellRef(ctx);
    Row row = sheet.getRow(ref.getRow());
    if (row == null) {
      row = sheet.createRow(ref.getRow());
    }
    Cell cell = row.getCell(ref.getCol());
    if (cell == null) {
      cell = row.createCell(ref.getCol());
    }
    Object v = ctx.param("value");
    switch (v) {
      case null -> cell.setBlank();
      case Boolean b -> cell.setCellValue(b);
      case Number n -> cell.setCellValue(n.doubleValue());
      default -> cell.setCellValue(PythonText.str(v));
    }
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static NodeResult excelRange(NodeContext ctx) throws NodeException {
    OpenWorkbook wb = workbook(ctx);
    Sheet sheet = sheet(ctx, wb.workbook(), false);
    String range = ctx.string("range", "").strip();
    CellRangeAddress area;
    try {
      area = CellRangeAddress.valueOf(range);
    } catch (IllegalArgumentException e) {
      throw new NodeException(
          ctx.nodeId() + ": '" + range + "' is not a range such as A1:C10", "ValueError", null);
    }
    List<Object> data = new ArrayList<>();
    for (int r = area.getFirstRow(); r <= area.getLastRow(); r++) {
      Row row = sheet.getRow(r);
      List<Object> values = new ArrayList<>();
      for (int c = area.getFirstColumn(); c <= area.getLastColumn(); c++) {
        values.add(row == null ? null : value(row.getCell(c)));
      }
      data.add(values);
    }
    ctx.output("data", data);
    ctx.output("rows", (long) data.size());
    ctx.output("columns", (long) (area.getLastColumn() - area.getFirstColumn() + 1));
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static NodeResult excelClose(NodeContext ctx) throws NodeException {
    OpenWorkbook wb = workbook(ctx);
    try {
      if (ctx.flag("save", true)) {
        wb.save();
      }
      ctx.resources().close(ctx.resources().keyOf(wb));
    } catch (Exception e) {
      throw io(ctx, "save the workbook", wb.path(), e);
    }
    ctx.output("success", true);
    return NodeResult.next();
  }

  // ---- Word ----

  private static NodeResult wordOpen(NodeContext ctx) throws NodeException {
    boolean create = ctx.flag("create_if_missing", false);
    Path p = existingFile(ctx, "file_path", create);
    XWPFDocument doc;
    try {
      if (Files.exists(p)) {
        try (InputStream in = Files.newInputStream(p)) {
          doc = new XWPFDocument(in);
        }
      } else {
        doc = new XWPFDocument();
      }
    } catch (IOException | RuntimeException e) {
      throw io(ctx, "open the document", p, e);
    }
    String key = "word:" + ctx.nodeId();
    ctx.resources().put(key, new OpenDocument(doc, p));
    ctx.output("document", key);
    ctx.output("app", "poi");
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static OpenDocument document(NodeContext ctx) throws NodeException {
    Object handle = ctx.param("document");
    OpenDocument doc =
        handle instanceof String key && !key.isBlank()
            ? ctx.resources().get(key, OpenDocument.class)
            : ctx.resources().latest(OpenDocument.class);
    if (doc == null) {
      throw new NodeException(
          ctx.nodeId() + ": no open document; run a WordOpenNode first", "ValueError", null);
    }
    return doc;
  }

  private static List<XWPFParagraph> paragraphs(XWPFDocument doc) {
    List<XWPFParagraph> all = new ArrayList<>(doc.getParagraphs());
    for (XWPFTable t : doc.getTables()) {
      for (XWPFTableRow r : t.getRows()) {
        for (XWPFTableCell c : r.getTableCells()) {
          all.addAll(c.getParagraphs());
        }
      }
    }
    return all;
  }

  private static NodeResult wordText(NodeContext ctx) throws NodeException {
    OpenDocument doc = document(ctx);
    List<String> lines = new ArrayList<>();
    for (XWPFParagraph p : paragraphs(doc.document())) {
      lines.add(p.getText());
    }
    String text = String.join("\n", lines);
    ctx.output("text", text);
    ctx.output("word_count", (long) (text.isBlank() ? 0 : text.strip().split("\\s+").length));
    ctx.output("success", true);
    return NodeResult.next();
  }

  /**
   * {@code find_text}/{@code replace_text} (the corpus writes {@code find}/{@code replace}), {@code
   * match_case} (false), {@code replace_all} (true). A paragraph with a match keeps its first run's
   * formatting for the whole paragraph.
   */
  private static NodeResult wordReplace(NodeContext ctx) throws NodeException {
    OpenDocument doc = document(ctx);
    String find = ctx.string("find_text", ctx.string("find", ""));
    if (find.isEmpty()) {
      throw new NodeException(ctx.nodeId() + ": find_text is required", "ValueError", null);
    }
    String replacement = ctx.string("replace_text", ctx.string("replace", ""));
    boolean matchCase = ctx.flag("match_case", false);
    boolean all = ctx.flag("replace_all", true);
    Pattern pattern =
        Pattern.compile(
            Pattern.quote(find), matchCase ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    long count = 0;
    for (XWPFParagraph p : paragraphs(doc.document())) {
      if (!all && count > 0) {
        break;
      }
      String text = p.getText();
      Matcher m = pattern.matcher(text);
      StringBuilder out = new StringBuilder();
      long here = 0;
      while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        here++;
        if (!all) {
          break;
        }
      }
      if (here == 0) {
        continue;
      }
      m.appendTail(out);
      List<XWPFRun> runs = p.getRuns();
      for (int i = runs.size() - 1; i > 0; i--) {
        p.removeRun(i);
      }
      XWPFRun first = runs.isEmpty() ? p.createRun() : p.getRuns().getFirst();
      first.setText(out.toString(), 0);
      count += here;
    }
    ctx.output("replacements", count);
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static NodeResult wordClose(NodeContext ctx) throws NodeException {
    OpenDocument doc = document(ctx);
    try {
      if (ctx.flag("save", true)) {
        doc.save();
      }
      ctx.resources().close(ctx.resources().keyOf(doc));
    } catch (Exception e) {
      throw io(ctx, "save the document", doc.path(), e);
    }
    ctx.output("success", true);
    return NodeResult.next();
  }

  // ---- PDF ----

  private static PDDocument loadPdf(NodeContext ctx, Path p, String password) throws NodeException {
    try {
      return password == null || password.isEmpty()
          ? Loader.loadPDF(p.toFile())
          : Loader.loadPDF(p.toFile(), password);
    } catch (InvalidPasswordException e) {
      throw new NodeException(
          ctx.nodeId() + ": " + p.getFileName() + " is encrypted; give its password",
          "PermissionError",
          null);
    } catch (IOException e) {
      throw io(ctx, "read the PDF", p, e);
    }
  }

  private static NodeResult pdfText(NodeContext ctx) throws NodeException {
    Path p = existingFile(ctx, "file_path", false);
    try (PDDocument doc = loadPdf(ctx, p, ctx.string("password", ""))) {
      int count = doc.getNumberOfPages();
      int start = (int) Math.max(1, ctx.integer("start_page", 1));
      int end = (int) Math.min(count, ctx.integer("end_page", count));
      String separator = ctx.string("page_separator", "\n\n");
      PDFTextStripper stripper = new PDFTextStripper();
      List<Object> pages = new ArrayList<>();
      for (int i = start; i <= end; i++) {
        stripper.setStartPage(i);
        stripper.setEndPage(i);
        pages.add(stripper.getText(doc));
      }
      ctx.output("text", String.join(separator, pages.stream().map(Object::toString).toList()));
      ctx.output("page_count", (long) count);
      ctx.output("pages", pages);
      ctx.output("is_encrypted", doc.isEncrypted());
      ctx.output("success", true);
    } catch (IOException e) {
      throw io(ctx, "read the PDF", p, e);
    }
    return NodeResult.next();
  }

  private static NodeResult pdfInfo(NodeContext ctx) throws NodeException {
    Path p = existingFile(ctx, "file_path", false);
    try (PDDocument doc = loadPdf(ctx, p, ctx.string("password", ""))) {
      PDDocumentInformation info = doc.getDocumentInformation();
      ctx.output("page_count", (long) doc.getNumberOfPages());
      ctx.output("title", nz(info.getTitle()));
      ctx.output("author", nz(info.getAuthor()));
      ctx.output("subject", nz(info.getSubject()));
      ctx.output("creator", nz(info.getCreator()));
      ctx.output("producer", nz(info.getProducer()));
      ctx.output("creation_date", date(info.getCreationDate()));
      ctx.output("modification_date", date(info.getModificationDate()));
      ctx.output("is_encrypted", doc.isEncrypted());
      ctx.output("success", true);
    } catch (IOException e) {
      throw io(ctx, "read the PDF", p, e);
    }
    return NodeResult.next();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String date(Calendar c) {
    return c == null ? "" : c.toInstant().toString();
  }

  private static NodeResult pdfMerge(NodeContext ctx) throws NodeException {
    Object files = ctx.param("input_files");
    if (files instanceof String s && s.strip().startsWith("[")) {
      files = DictNodes.parse(s, ctx.nodeId());
    }
    if (!(files instanceof List<?> list) || list.isEmpty()) {
      throw new NodeException(ctx.nodeId() + ": input_files list is required", "ValueError", null);
    }
    String output = ctx.string("output_path", "");
    if (output.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": output_path is required", "ValueError", null);
    }
    Path out = ctx.resolvePath(output);
    PDFMergerUtility merger = new PDFMergerUtility();
    for (Object f : list) {
      Path in = ctx.resolvePath(PythonText.str(f));
      if (!Files.isRegularFile(in)) {
        throw new NodeException(
            ctx.nodeId() + ": PDF file not found: " + f, "FileNotFoundError", null);
      }
      try {
        merger.addSource(in.toFile());
      } catch (IOException e) {
        throw io(ctx, "read the PDF", in, e);
      }
    }
    merger.setDestinationFileName(out.toString());
    try {
      FileActions.createParents(out);
      merger.mergeDocuments(null);
    } catch (IOException e) {
      throw io(ctx, "write the PDF", out, e);
    }
    long pages;
    try (PDDocument merged = loadPdf(ctx, out, "")) {
      pages = merged.getNumberOfPages();
    } catch (IOException e) {
      throw io(ctx, "read the PDF", out, e);
    }
    ctx.output("output_path", out.toString());
    ctx.output("attachment_file", List.of(out.toString()));
    ctx.output("page_count", pages);
    ctx.output("success", true);
    return NodeResult.next();
  }

  private static NodeResult pdfSplit(NodeContext ctx) throws NodeException {
    String input = ctx.string("input_file", ctx.string("file_path", ""));
    if (input.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": input_file is required", "ValueError", null);
    }
    String outputDir = ctx.string("output_dir", "");
    if (outputDir.isBlank()) {
      throw new NodeException(ctx.nodeId() + ": output_dir is required", "ValueError", null);
    }
    Path in = ctx.resolvePath(input);
    if (!Files.isRegularFile(in)) {
      throw new NodeException(
          ctx.nodeId() + ": PDF file not found: " + input, "FileNotFoundError", null);
    }
    Path dir = ctx.resolvePath(outputDir);
    String pattern = ctx.string("filename_pattern", "page_{n}.pdf");
    List<Object> written = new ArrayList<>();
    try (PDDocument doc = loadPdf(ctx, in, "")) {
      Files.createDirectories(dir);
      List<PDDocument> pages = new Splitter().split(doc);
      for (int i = 0; i < pages.size(); i++) {
        Path target = dir.resolve(pattern.replace("{n}", Integer.toString(i + 1))).normalize();
        ctx.resolvePath(target.toString()); // stays inside the job folder
        try (PDDocument page = pages.get(i)) {
          page.save(target.toFile());
        }
        written.add(target.toString());
      }
      ctx.output("output_files", written);
      ctx.output("page_count", (long) pages.size());
      ctx.output("success", true);
    } catch (IOException e) {
      throw io(ctx, "split the PDF", in, e);
    }
    return NodeResult.next();
  }
}
