package io.tasklane.runner.agent;

import io.tasklane.contracts.ObservedCall;
import io.tasklane.contracts.PlanCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Evaluates a step's {@link PlanCheck} against the workspace and the calls the runner recorded. No
 * model takes part, and nothing the model wrote in its arguments or replies is read: only files as
 * they are and the first line a tool itself wrote ({@code HTTP 200}, {@code exit code 1}, {@code
 * Child task ... ended with status succeeded.}).
 */
final class Checks {

  /** The outcome of a check. */
  record Result(boolean passed, String reason) {}

  private static final int MAX_FILE_BYTES = 8 * 1024 * 1024;
  private static final Pattern HTTP_STATUS = Pattern.compile("^HTTP (\\d{3})\\n");
  private static final Pattern EXIT_CODE = Pattern.compile("^exit code (-?\\d+)\\n");
  private static final Pattern CHILD_STATUS =
      Pattern.compile("^Child task [0-9a-f-]{36} ended with status ([a-z_]+)\\.");
  private static final String ABSENT = "absent";

  private final JsonMapper json;

  Checks(JsonMapper json) {
    this.json = json;
  }

  /** The content fingerprint of a workspace file, or {@code absent}; for the change checks. */
  static String fingerprint(Path workspace, String path) {
    try {
      Path file = inside(workspace, path);
      if (file == null || !Files.isRegularFile(file)) {
        return ABSENT;
      }
      return sha256(Files.readAllBytes(file));
    } catch (IOException | InvalidPathException e) {
      return ABSENT;
    }
  }

  /**
   * @param before fingerprints of the check's file taken when the step attempt began
   */
  Result evaluate(
      PlanCheck check, Path workspace, List<ObservedCall> calls, Map<String, String> before) {
    String problem = check.problem().orElse(null);
    if (problem != null) {
      return new Result(false, "The step's check cannot be evaluated: " + problem);
    }
    try {
      return switch (check.type()) {
        case PlanCheck.FILE_EXISTS -> fileExists(check, workspace);
        case PlanCheck.FILE_CONTAINS -> fileContains(check, workspace);
        case PlanCheck.FILE_CHANGED_IN_STEP, PlanCheck.FILE_UNCHANGED ->
            fileChange(check, workspace, before);
        case PlanCheck.JSON_PATH_EQUALS -> jsonPathEquals(check, workspace);
        case PlanCheck.HTTP_STATUS, PlanCheck.BODY_CONTAINS -> fetched(check, calls);
        case PlanCheck.COMMAND_EXIT -> commandExit(check, calls);
        case PlanCheck.CHILD_SUCCEEDED -> childSucceeded(calls);
        default -> new Result(false, "Unknown check type " + check.type());
      };
    } catch (IOException | InvalidPathException e) {
      return new Result(false, "Check " + check.type() + " could not read the workspace: " + e);
    }
  }

  private static Result fileExists(PlanCheck check, Path workspace) {
    Path file = inside(workspace, check.path());
    return file != null && Files.isRegularFile(file)
        ? new Result(true, "Check passed: " + check.path() + " exists.")
        : new Result(false, "Check failed: " + check.path() + " does not exist.");
  }

  private static Result fileContains(PlanCheck check, Path workspace) throws IOException {
    String text = read(workspace, check.path());
    if (text == null) {
      return new Result(false, "Check failed: " + check.path() + " does not exist.");
    }
    boolean found =
        check.text() != null
            ? text.contains(check.text())
            : Pattern.compile(check.regex()).matcher(text).find();
    String what =
        check.text() != null ? "the text \"" + check.text() + "\"" : "/" + check.regex() + "/";
    return found
        ? new Result(true, "Check passed: " + check.path() + " contains " + what + ".")
        : new Result(false, "Check failed: " + check.path() + " does not contain " + what + ".");
  }

  private static Result fileChange(PlanCheck check, Path workspace, Map<String, String> before) {
    String was = before.getOrDefault(check.path(), ABSENT);
    String now = fingerprint(workspace, check.path());
    boolean changed = !Objects.equals(was, now);
    if (check.type().equals(PlanCheck.FILE_CHANGED_IN_STEP)) {
      return changed && !now.equals(ABSENT)
          ? new Result(true, "Check passed: " + check.path() + " changed in this step.")
          : new Result(false, "Check failed: " + check.path() + " did not change in this step.");
    }
    return changed
        ? new Result(false, "Check failed: " + check.path() + " changed in this step.")
        : new Result(true, "Check passed: " + check.path() + " is unchanged.");
  }

  private Result jsonPathEquals(PlanCheck check, Path workspace) throws IOException {
    String text = read(workspace, check.path());
    if (text == null) {
      return new Result(false, "Check failed: " + check.path() + " does not exist.");
    }
    JsonNode root;
    try {
      root = json.readTree(text);
    } catch (JacksonException e) {
      return new Result(false, "Check failed: " + check.path() + " is not valid JSON.");
    }
    JsonNode node = root.at(pointer(check.jsonPath()));
    if (node.isMissingNode()) {
      return new Result(
          false, "Check failed: " + check.path() + " has nothing at " + check.jsonPath() + ".");
    }
    String actual = node.isString() ? node.asString() : node.toString();
    return actual.equals(check.value())
        ? new Result(
            true,
            "Check passed: " + check.jsonPath() + " of " + check.path() + " is " + actual + ".")
        : new Result(
            false,
            "Check failed: "
                + check.jsonPath()
                + " of "
                + check.path()
                + " is "
                + Prompts.truncate(actual, 200)
                + ", expected "
                + check.value()
                + ".");
  }

  private static Result fetched(PlanCheck check, List<ObservedCall> calls) {
    boolean anyFetch = false;
    for (ObservedCall call : calls) {
      if (!"http_fetch".equals(call.tool()) || call.result() == null) {
        continue;
      }
      if (check.url() != null && !check.url().equals(call.target())) {
        continue;
      }
      Matcher status = HTTP_STATUS.matcher(call.result());
      if (!status.find()) {
        continue;
      }
      anyFetch = true;
      boolean passed =
          check.type().equals(PlanCheck.HTTP_STATUS)
              ? Integer.parseInt(status.group(1)) == check.status()
              : call.result().substring(status.end()).contains(check.text());
      if (passed) {
        return new Result(
            true,
            check.type().equals(PlanCheck.HTTP_STATUS)
                ? "Check passed: a recorded fetch answered HTTP " + check.status() + "."
                : "Check passed: a recorded fetch's body contains \"" + check.text() + "\".");
      }
    }
    String of = check.url() == null ? "" : " of " + check.url();
    if (!anyFetch) {
      return new Result(false, "Check failed: no fetch" + of + " was recorded in this step.");
    }
    return new Result(
        false,
        check.type().equals(PlanCheck.HTTP_STATUS)
            ? "Check failed: no recorded fetch" + of + " answered HTTP " + check.status() + "."
            : "Check failed: no recorded fetch"
                + of
                + " has \""
                + check.text()
                + "\" in its body.");
  }

  private static Result commandExit(PlanCheck check, List<ObservedCall> calls) {
    boolean anyRun = false;
    for (ObservedCall call : calls) {
      if (!"shell".equals(call.tool()) || call.result() == null) {
        continue;
      }
      if (check.command() != null && !check.command().equals(call.target())) {
        continue;
      }
      Integer exit = null;
      if (call.succeeded()) {
        exit = 0;
      } else {
        Matcher m = EXIT_CODE.matcher(call.result());
        if (m.find()) {
          exit = Integer.parseInt(m.group(1));
        }
      }
      if (exit == null) {
        continue;
      }
      anyRun = true;
      if (exit.equals(check.exitCode())) {
        return new Result(
            true, "Check passed: a recorded shell run exited with " + check.exitCode() + ".");
      }
    }
    return new Result(
        false,
        anyRun
            ? "Check failed: no recorded shell run exited with " + check.exitCode() + "."
            : "Check failed: no shell run that ended was recorded in this step.");
  }

  private static Result childSucceeded(List<ObservedCall> calls) {
    for (ObservedCall call : calls) {
      if ("spawn_subtask".equals(call.tool()) && call.result() != null) {
        Matcher m = CHILD_STATUS.matcher(call.result());
        if (m.find() && m.group(1).equals("succeeded")) {
          return new Result(true, "Check passed: the child task succeeded.");
        }
      }
    }
    return new Result(false, "Check failed: no child task of this step succeeded.");
  }

  private static String read(Path workspace, String path) throws IOException {
    Path file = inside(workspace, path);
    if (file == null || !Files.isRegularFile(file)) {
      return null;
    }
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException(path + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** The file inside the workspace, or null when the path (or a link on it) leads outside. */
  static Path inside(Path workspace, String path) {
    try {
      Path root = workspace.toRealPath();
      Path file = root.resolve(path).normalize();
      if (!file.startsWith(root)) {
        return null;
      }
      if (Files.exists(file) && !file.toRealPath().startsWith(root)) {
        return null;
      }
      return file;
    } catch (IOException | InvalidPathException e) {
      return null;
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pointer(String jsonPath) {
    return jsonPath.substring(1).replaceAll("\\.([^.\\[]+)", "/$1").replaceAll("\\[(\\d+)]", "/$1");
  }
}
