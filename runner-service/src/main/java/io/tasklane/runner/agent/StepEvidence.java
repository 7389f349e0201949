package io.tasklane.runner.agent;

import io.tasklane.contracts.ObservedCall;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the runner observed for the step it is on: every tool call with its outcome, which of them
 * belong to the current attempt, and the files the executor wrote during the task. It travels in
 * the resume context, so a pause or a recovery keeps it.
 */
final class StepEvidence {

  private static final int RESUME_RESULT_CHARS = 4000;

  private int step;
  private final List<ObservedCall> calls = new ArrayList<>();
  private final Set<String> writtenFiles = new LinkedHashSet<>();
  private int attemptStart;

  StepEvidence(int currentStep, List<ObservedCall> resumed) {
    this.step = currentStep;
    for (ObservedCall call : resumed) {
      if (isWrite(call)) {
        writtenFiles.add(call.target());
      }
      if (call.step() == currentStep) {
        calls.add(call);
      }
    }
  }

  /** Moves to {@code index}; evidence of another step is dropped, the files written are kept. */
  void beginStep(int index) {
    if (index != step) {
      step = index;
      calls.clear();
      attemptStart = 0;
    }
  }

  /**
   * A new attempt of the step: only its own calls make it eligible for a verdict. The first attempt
   * after a resume includes what was observed before the stop.
   */
  void beginAttempt(boolean first) {
    if (!first) {
      attemptStart = calls.size();
    }
  }

  void record(ObservedCall call) {
    calls.add(call);
    if (isWrite(call)) {
      writtenFiles.add(call.target());
    }
  }

  private static boolean isWrite(ObservedCall call) {
    return call.succeeded() && "write_file".equals(call.tool()) && call.target() != null;
  }

  boolean wroteFile(String path) {
    return writtenFiles.contains(path);
  }

  /** Every call of the step, across attempts. */
  List<ObservedCall> calls() {
    return List.copyOf(calls);
  }

  boolean anySucceededThisAttempt() {
    for (int i = attemptStart; i < calls.size(); i++) {
      if (calls.get(i).succeeded()) {
        return true;
      }
    }
    return false;
  }

  /** For the resume context: this step's calls (results shortened) and the files written before. */
  List<ObservedCall> forResume() {
    List<ObservedCall> kept = new ArrayList<>();
    Set<String> inStep = new LinkedHashSet<>();
    for (ObservedCall call : calls) {
      if (isWrite(call)) {
        inStep.add(call.target());
      }
      kept.add(
          new ObservedCall(
              call.step(),
              call.tool(),
              call.outcome(),
              Prompts.truncate(call.result(), RESUME_RESULT_CHARS),
              call.target(),
              call.modelAuthored()));
    }
    for (String file : writtenFiles) {
      if (!inStep.contains(file)) {
        kept.add(new ObservedCall(-1, "write_file", ObservedCall.OK, null, file, true));
      }
    }
    return kept;
  }
}
