package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;

/**
 * ReadCSVNode / WriteCSVNode on Apache Commons CSV: RFC 4180 quoting, {@code delimiter}, {@code
 * has_header}, {@code write_header}; cells are written as Python {@code str()} ({@code 15.0},
 * {@code True}), rows end with CRLF like Python's {@code csv.writer}. Commons CSV's minimal quoting
 * also quotes a cell that starts with a character up to {@code #} or ends with a space, which
 * Python does not; any CSV reader reads both the same.
 */
final class CsvFiles {
  private CsvFiles() {}

  static NodeResult read(NodeContext ctx, Path p) throws NodeException {
    char delimiter =
        ctx.string("delimiter", ",").isEmpty() ? ',' : ctx.string("delimiter", ",").charAt(0);
    boolean header = ctx.flag("has_header", true);
    try {
      List<List<String>> rows = parse(Files.readString(p, FileNodes.charset(ctx)), delimiter);
      List<Object> data = new ArrayList<>();
      List<String> headers = header && !rows.isEmpty() ? rows.getFirst() : List.of();
      for (List<String> row : header && !rows.isEmpty() ? rows.subList(1, rows.size()) : rows) {
        if (header) {
          Map<String, Object> m = new LinkedHashMap<>();
          for (int i = 0; i < headers.size(); i++) {
            m.put(headers.get(i), i < row.size() ? row.get(i) : "");
          }
          data.add(m);
        } else {
          data.add(new ArrayList<Object>(row));
        }
      }
      ctx.output("data", data);
      ctx.output("headers", new ArrayList<Object>(headers));
      ctx.output("row_count", (long) data.size());
      return NodeResult.next();
    } catch (IOException e) {
      throw FileActions.failure(ctx, "read", p, e);
    } catch (IllegalArgumentException e) {
      throw new NodeException(
          ctx.nodeId() + ": " + p.getFileName() + " is not valid CSV: " + e.getMessage(),
          "csv.Error",
          null);
    }
  }

  static NodeResult write(NodeContext ctx, Path p) throws NodeException {
    Object data = ctx.param("data");
    if (!(data instanceof List<?> rows)) {
      throw new NodeException(
          ctx.nodeId()
              + ": data must be a list of rows (lists or dicts), got "
              + PythonText.repr(data));
    }
    String d = ctx.string("delimiter", ",");
    StringBuilder out = new StringBuilder();
    try (CSVPrinter printer = new CSVPrinter(out, format(d.isEmpty() ? "," : d))) {
      if (!rows.isEmpty()
          && rows.getFirst() instanceof Map<?, ?> first
          && ctx.flag("write_header", true)) {
        printer.printRecord(first.keySet().stream().map(CsvFiles::cell).toList());
      }
      for (Object row : rows) {
        List<?> cells =
            row instanceof Map<?, ?> m
                ? new ArrayList<>(m.values())
                : row instanceof List<?> l ? l : List.of(row);
        printer.printRecord(cells.stream().map(CsvFiles::cell).toList());
      }
    } catch (IOException e) {
      throw FileActions.failure(ctx, "write", p, e);
    }
    try {
      FileActions.createParents(p);
      Files.writeString(p, out, FileNodes.charset(ctx));
      ctx.output("file_path", p.toString());
      ctx.output("row_count", (long) rows.size());
      ctx.output("success", true);
      return NodeResult.next();
    } catch (IOException e) {
      throw FileActions.failure(ctx, "write", p, e);
    }
  }

  private static String cell(Object v) {
    return v == null ? "" : PythonText.str(v);
  }

  private static CSVFormat format(String delimiter) {
    return CSVFormat.RFC4180
        .builder()
        .setDelimiter(delimiter)
        .setQuote('"')
        .setRecordSeparator("\r\n")
        .setQuoteMode(QuoteMode.MINIMAL)
        .setIgnoreEmptyLines(true)
        .get();
  }

  /** The rows of {@code text}, as Python's {@code csv.reader} reads them (blank lines skipped). */
  static List<List<String>> parse(String text, char delimiter) throws IOException {
    // malformed input (an unclosed quote) surfaces as IllegalArgumentException
    List<List<String>> rows = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(text, format(String.valueOf(delimiter)))) {
      for (CSVRecord record : parser) {
        rows.add(record.toList());
      }
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(e.getCause().getMessage(), e);
    }
    return rows;
  }
}
