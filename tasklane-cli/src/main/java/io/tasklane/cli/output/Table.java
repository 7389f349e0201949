package io.tasklane.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Columns aligned on their widest cell, two spaces apart; the last column is not padded. Widths
 * ignore colour codes, so coloured cells line up with plain ones.
 */
public final class Table {

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  private final boolean header;

  private Table(List<String> headers) {
    this(headers, true);
  }

  private Table(List<String> headers, boolean header) {
    this.headers = headers;
    this.header = header;
  }

  public static Table of(String... headers) {
    return new Table(List.of(headers));
  }

  /** A table of {@code columns} columns without a header line, for name/value listings. */
  public static Table headless(int columns) {
    return new Table(Collections.nCopies(columns, ""), false);
  }

  public Table row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "expected " + headers.size() + " cells, got " + cells.length);
    }
    rows.add(Arrays.stream(cells).map(cell -> cell == null ? "-" : cell).toList());
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public void print(PrintWriter out, Style style) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = Style.width(headers.get(i));
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], Style.width(row.get(i)));
      }
    }
    if (header) {
      out.println(line(headers.stream().map(style::bold).toList(), widths));
    }
    for (List<String> row : rows) {
      out.println(line(row, widths));
    }
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      line.append(cell);
      if (i < cells.size() - 1) {
        line.append(" ".repeat(widths[i] - Style.width(cell) + 2));
      }
    }
    return line.toString().stripTrailing();
  }

  /** {@code text} cut to {@code max} characters with an ellipsis, on one line. */
  public static String clip(String text, int max) {
    if (text == null) {
      return null;
    }
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
  }
}
