package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.NodeContext;
import com.casarerpa.fleet.workflow.nodes.NodeException;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.template.PythonText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ReadCSVNode / WriteCSVNode: RFC 4180 quoting, {@code delimiter}, {@code has_header}. */
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
    if (!rows.isEmpty()
        && rows.getFirst() instanceof Map<?, ?> first
        && ctx.flag("write_header", true)) {
      line(out, new ArrayList<>(first.keySet()), d);
    }
    for (Object row : rows) {
      line(
          out,
          row instanceof Map<?, ?> m
              ? new ArrayList<>(m.values())
              : row instanceof List<?> l ? l : List.of(row),
          d);
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

  private static void line(StringBuilder out, List<?> cells, String delimiter) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(delimiter);
      }
      String s = cells.get(i) == null ? "" : PythonText.str(cells.get(i));
      boolean quote =
          s.contains(delimiter) || s.contains("\"") || s.contains("\n") || s.contains("\r");
      out.append(quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s);
    }
    out.append("\r\n");
  }

  static List<List<String>> parse(String text, char delimiter) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == delimiter) {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else {
        cell.append(c);
      }
    }
    if (!cell.isEmpty() || !row.isEmpty()) {
      row.add(cell.toString());
      rows.add(row);
    }
    return rows;
  }
}
