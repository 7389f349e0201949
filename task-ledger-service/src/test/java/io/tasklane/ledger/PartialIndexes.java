package io.tasklane.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The partial indexes the Flyway migrations create, read from the migration files. */
public final class PartialIndexes {

  /** One partial index: its table and its predicate, with whitespace collapsed. */
  public record Index(String table, String predicate) {}

  private static final Pattern CREATE_INDEX =
      Pattern.compile(
          "create\\s+(?:unique\\s+)?index\\s+(\\w+)\\s+on\\s+(\\w+)\\b[^;]*?\\swhere\\s+([^;]*);",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private PartialIndexes() {}

  /** Every partial index by name. */
  public static Map<String, Index> all() {
    Map<String, Index> indexes = new TreeMap<>();
    for (String sql : migrations()) {
      Matcher matcher = CREATE_INDEX.matcher(sql);
      while (matcher.find()) {
        indexes.put(matcher.group(1), new Index(matcher.group(2), normalized(matcher.group(3))));
      }
    }
    return indexes;
  }

  /** {@code sql} with runs of whitespace made single spaces and the outer parentheses dropped. */
  public static String normalized(String sql) {
    String text = sql.replaceAll("\\s+", " ").replace("( ", "(").replace(" )", ")").trim();
    return text.startsWith("(") && text.endsWith(")") ? text.substring(1, text.length() - 1) : text;
  }

  private static Iterable<String> migrations() {
    try (Stream<Path> files =
        Files.list(
            Path.of(PartialIndexes.class.getClassLoader().getResource("db/migration").toURI()))) {
      return files
          .filter(file -> file.getFileName().toString().endsWith(".sql"))
          .sorted()
          .map(
              file -> {
                try {
                  return Files.readString(file).replaceAll("--[^\n]*", "");
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
