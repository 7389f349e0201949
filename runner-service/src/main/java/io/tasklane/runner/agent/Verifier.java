package io.tasklane.runner.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.ObservedCall;
import io.tasklane.contracts.PlanStep;
import io.tasklane.runner.model.MalformedModelReplyException;
import io.tasklane.runner.model.ModelGateway;
import io.tasklane.runner.model.ModelRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the verifier model whether a step is done, showing it only what the runner observed.
 * Anything but a clear YES is a NO.
 */
@Component
class Verifier {

  private static final Pattern FIRST_LINE =
      Pattern.compile("(?is)^[\\s*_#>`\"']*(YES|NO)\\b[\\s*_.,:;!\\-–—]*(.*)$");
  private static final Pattern SAYS_NO = Pattern.compile("(?i)\\bno\\b");
  private static final int RESULT_CHARS = 2000;
  private static final int FILE_WHOLE_CHARS = 4000;
  private static final int FILE_PART_CHARS = 1500;

  /**
   * @param answer the model's raw answer, or null when none was read
   */
  record Verdict(boolean passed, String reason, String answer) {}

  private final ModelGateway models;
  private final MeterRegistry meters;
  private final JsonMapper json;

  Verifier(ModelGateway models, MeterRegistry meters, JsonMapper json) {
    this.models = models;
    this.meters = meters;
    this.json = json;
  }

  Verdict verify(
      PlanStep step, StepEvidence evidence, Path workspace, TaskModels taskModels, Spend spend)
      throws InterruptedException {
    String prompt = Prompts.verification(step, render(evidence, workspace));
    Verdict verdict = null;
    // an unreadable answer is asked again once; the step's own work is not at fault
    for (int ask = 1; verdict == null; ask++) {
      try {
        String reply =
            spend
                .call(
                    models,
                    taskModels.call(
                        ModelRole.VERIFIER,
                        List.of(new SystemMessage(Prompts.verifier()), new UserMessage(prompt)),
                        List.of()))
                .text();
        verdict = parse(reply);
      } catch (MalformedModelReplyException e) {
        meters.counter("tasklane.runner.model.malformed_rounds", "role", "verifier").increment();
        if (ask >= 2) {
          verdict =
              new Verdict(false, "The verifier's reply could not be read: " + e.getMessage(), null);
        }
      }
    }
    meters
        .counter(
            "tasklane.runner.verification.verdicts", "verdict", verdict.passed() ? "yes" : "no")
        .increment();
    return verdict;
  }

  /**
   * The evidence as one JSON array: each call the runner recorded, with the result only for calls
   * that succeeded, then every file the step wrote as it is now. A newline, a quote or an arrow in
   * anything the model chose stays inside a JSON string and cannot start another entry.
   */
  String render(StepEvidence evidence, Path workspace) {
    List<Map<String, Object>> entries = new ArrayList<>();
    Set<String> written = new LinkedHashSet<>();
    int n = 1;
    for (ObservedCall call : evidence.calls()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("call", n++);
      entry.put("tool", call.tool() == null ? "(no such tool)" : call.tool());
      entry.put("outcome", call.outcome());
      if (call.succeeded()) {
        entry.put("result", Prompts.truncate(call.result(), RESULT_CHARS));
        if (call.modelAuthored()) {
          entry.put(
              "origin",
              "text the executor itself wrote, coming back; it shows what was written, not that"
                  + " it is true");
        }
        if ("write_file".equals(call.tool()) && call.target() != null) {
          written.add(call.target());
        }
      } else {
        entry.put("note", "did not run or failed; not evidence");
      }
      entries.add(entry);
    }
    for (String path : written) {
      entries.add(readBack(workspace, path));
    }
    return json.writeValueAsString(entries);
  }

  private static Map<String, Object> readBack(Path workspace, String path) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("read_back", path);
    Path file = Checks.inside(workspace, path);
    try {
      if (file == null || !Files.isRegularFile(file)) {
        entry.put("exists", false);
        return entry;
      }
      byte[] bytes = Files.readAllBytes(file);
      String text = new String(bytes, StandardCharsets.UTF_8);
      entry.put("exists", true);
      entry.put("size", bytes.length);
      entry.put("sha256", Checks.sha256(bytes));
      if (text.length() <= FILE_WHOLE_CHARS) {
        entry.put("content", text);
      } else {
        entry.put("content_start", text.substring(0, FILE_PART_CHARS));
        entry.put("content_end", text.substring(text.length() - FILE_PART_CHARS));
      }
      entry.put("origin", "the file as it is now, read by the runner after the step");
    } catch (IOException e) {
      entry.put("exists", false);
      entry.put("error", "the runner could not read it back");
    }
    return entry;
  }

  /**
   * YES only when the first line of the answer (after closed thinking blocks) is a YES verdict and
   * nothing in the answer says NO; an open thinking block, an empty answer and prose are NO.
   */
  static Verdict parse(String reply) {
    String raw = reply == null ? "" : reply;
    String answer = Prompts.answer(reply);
    if (answer.contains("<think>")) {
      return new Verdict(false, "The verifier's thinking was never closed.", raw);
    }
    if (answer.isEmpty()) {
      return new Verdict(false, "The verifier gave no answer.", raw);
    }
    String firstLine = answer.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
    Matcher m = FIRST_LINE.matcher(firstLine);
    if (!m.matches()) {
      return new Verdict(
          false,
          "The verifier's answer was neither YES nor NO: " + Prompts.truncate(answer, 300),
          raw);
    }
    boolean yes = m.group(1).equalsIgnoreCase("YES");
    String reason = m.group(2).trim();
    String afterVerdict = answer.substring(answer.indexOf(firstLine) + m.end(1));
    if (yes && SAYS_NO.matcher(afterVerdict).find()) {
      return new Verdict(
          false,
          "The verifier's answer says YES and NO, which counts as NO: "
              + Prompts.truncate(answer, 300),
          raw);
    }
    if (reason.isEmpty()) {
      reason =
          yes
              ? "The verifier confirmed the step."
              : "The verifier rejected the step without a reason.";
    }
    return new Verdict(yes, Prompts.truncate(reason, 1000), raw);
  }
}
