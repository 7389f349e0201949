package io.tasklane.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A done-when check the runner evaluates itself, against the task's workspace and the tool calls it
 * recorded for the step; no model takes part. When a step has one, it decides the step: a verifier
 * model cannot pass a step whose check failed.
 *
 * <p>On the wire a check is one object with a {@code type} and the fields that type uses:
 *
 * <ul>
 *   <li>{@code file_exists} {@code path}: a regular file exists at {@code path}
 *   <li>{@code file_contains} {@code path} and {@code text} (a substring) or {@code regex} (found
 *       anywhere in the file)
 *   <li>{@code file_changed_in_step} {@code path}: the file's content after the step attempt
 *       differs from its content before it (a file created by the step has changed)
 *   <li>{@code file_unchanged} {@code path}: the step attempt left the file as it was
 *   <li>{@code json_path_equals} {@code path}, {@code jsonPath} ({@code $.a.b[0]}) and {@code
 *       value}: the file is JSON and the value there equals {@code value} (a string's text, or any
 *       other value's JSON)
 *   <li>{@code http_status} {@code status} and optionally {@code url}: a recorded {@code
 *       http_fetch} of the step (of {@code url} when given) answered {@code status}
 *   <li>{@code body_contains} {@code text} and optionally {@code url}: a recorded {@code
 *       http_fetch} body contains {@code text}
 *   <li>{@code command_exit} {@code exitCode} and optionally {@code command}: a recorded {@code
 *       shell} run ended with {@code exitCode}
 *   <li>{@code child_succeeded}: a recorded {@code spawn_subtask} child task succeeded
 * </ul>
 *
 * Paths are relative to the task workspace and may not leave it.
 *
 * @param type one of {@link #TYPES}
 * @param path a workspace-relative file, for the file checks
 * @param text a substring, for {@code file_contains} and {@code body_contains}
 * @param regex a Java regular expression, for {@code file_contains}
 * @param jsonPath {@code $}, {@code $.field}, {@code $.list[0].field}, for {@code json_path_equals}
 * @param value the expected value, for {@code json_path_equals}
 * @param status the expected HTTP status, for {@code http_status}
 * @param url the fetched URL the HTTP checks look at; any fetch of the step when absent
 * @param command the shell command {@code command_exit} looks at; any run of the step when absent
 * @param exitCode the expected exit code, for {@code command_exit}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlanCheck(
    String type,
    String path,
    String text,
    String regex,
    String jsonPath,
    String value,
    Integer status,
    String url,
    String command,
    Integer exitCode) {

  public static final String FILE_EXISTS = "file_exists";
  public static final String FILE_CONTAINS = "file_contains";
  public static final String FILE_CHANGED_IN_STEP = "file_changed_in_step";
  public static final String FILE_UNCHANGED = "file_unchanged";
  public static final String JSON_PATH_EQUALS = "json_path_equals";
  public static final String HTTP_STATUS = "http_status";
  public static final String BODY_CONTAINS = "body_contains";
  public static final String COMMAND_EXIT = "command_exit";
  public static final String CHILD_SUCCEEDED = "child_succeeded";

  /** Every check type, in the order the documentation lists them. */
  public static final List<String> TYPES =
      List.of(
          FILE_EXISTS,
          FILE_CONTAINS,
          FILE_CHANGED_IN_STEP,
          FILE_UNCHANGED,
          JSON_PATH_EQUALS,
          HTTP_STATUS,
          BODY_CONTAINS,
          COMMAND_EXIT,
          CHILD_SUCCEEDED);

  private static final Pattern JSON_PATH =
      Pattern.compile("\\$((\\.[A-Za-z_][A-Za-z0-9_-]*)|(\\[[0-9]+]))*");

  public static PlanCheck fileExists(String path) {
    return new PlanCheck(FILE_EXISTS, path, null, null, null, null, null, null, null, null);
  }

  public static PlanCheck fileContains(String path, String text) {
    return new PlanCheck(FILE_CONTAINS, path, text, null, null, null, null, null, null, null);
  }

  public static PlanCheck fileMatches(String path, String regex) {
    return new PlanCheck(FILE_CONTAINS, path, null, regex, null, null, null, null, null, null);
  }

  public static PlanCheck fileChangedInStep(String path) {
    return new PlanCheck(
        FILE_CHANGED_IN_STEP, path, null, null, null, null, null, null, null, null);
  }

  public static PlanCheck fileUnchanged(String path) {
    return new PlanCheck(FILE_UNCHANGED, path, null, null, null, null, null, null, null, null);
  }

  public static PlanCheck jsonPathEquals(String path, String jsonPath, String value) {
    return new PlanCheck(
        JSON_PATH_EQUALS, path, null, null, jsonPath, value, null, null, null, null);
  }

  public static PlanCheck httpStatus(String url, int status) {
    return new PlanCheck(HTTP_STATUS, null, null, null, null, null, status, url, null, null);
  }

  public static PlanCheck bodyContains(String url, String text) {
    return new PlanCheck(BODY_CONTAINS, null, text, null, null, null, null, url, null, null);
  }

  public static PlanCheck commandExit(String command, int exitCode) {
    return new PlanCheck(COMMAND_EXIT, null, null, null, null, null, null, null, command, exitCode);
  }

  public static PlanCheck childSucceeded() {
    return new PlanCheck(CHILD_SUCCEEDED, null, null, null, null, null, null, null, null, null);
  }

  /**
   * What is wrong with this check, or empty when it can be evaluated: an unknown type, a missing
   * field, a path that is absolute or leaves the workspace, a regular expression that does not
   * compile.
   */
  public Optional<String> problem() {
    if (type == null || type.isBlank()) {
      return Optional.of("the check has no type; allowed: " + String.join(", ", TYPES));
    }
    if (!TYPES.contains(type)) {
      return Optional.of("unknown check type '" + type + "'; allowed: " + String.join(", ", TYPES));
    }
    return switch (type) {
      case FILE_EXISTS, FILE_CHANGED_IN_STEP, FILE_UNCHANGED -> pathProblem();
      case FILE_CONTAINS ->
          pathProblem()
              .or(
                  () ->
                      (text == null) == (regex == null)
                          ? Optional.of(type + " needs exactly one of 'text' and 'regex'")
                          : regexProblem());
      case JSON_PATH_EQUALS ->
          pathProblem()
              .or(
                  () ->
                      jsonPath == null || !JSON_PATH.matcher(jsonPath).matches()
                          ? Optional.of(
                              type + " needs a 'jsonPath' such as $.name or $.items[0].id")
                          : value == null
                              ? Optional.of(type + " needs a 'value'")
                              : Optional.empty());
      case HTTP_STATUS ->
          status == null || status < 100 || status > 599
              ? Optional.of(type + " needs a 'status' between 100 and 599")
              : Optional.empty();
      case BODY_CONTAINS ->
          text == null || text.isEmpty()
              ? Optional.of(type + " needs a non-empty 'text'")
              : Optional.empty();
      case COMMAND_EXIT ->
          exitCode == null ? Optional.of(type + " needs an 'exitCode'") : Optional.empty();
      default -> Optional.empty();
    };
  }

  private Optional<String> pathProblem() {
    if (path == null || path.isBlank()) {
      return Optional.of(type + " needs a 'path'");
    }
    if (path.indexOf('\0') >= 0) {
      return Optional.of("the path of " + type + " contains a NUL character");
    }
    if (path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:.*")) {
      return Optional.of("the path '" + path + "' of " + type + " is absolute");
    }
    int depth = 0;
    for (String part : path.split("[/\\\\]+")) {
      if (part.equals("..")) {
        depth--;
      } else if (!part.isEmpty() && !part.equals(".")) {
        depth++;
      }
      if (depth < 0) {
        return Optional.of("the path '" + path + "' of " + type + " leaves the workspace");
      }
    }
    return Optional.empty();
  }

  private Optional<String> regexProblem() {
    if (regex == null) {
      return Optional.empty();
    }
    try {
      Pattern.compile(regex);
      return Optional.empty();
    } catch (PatternSyntaxException e) {
      return Optional.of("the regex of " + type + " does not compile: " + e.getDescription());
    }
  }
}
