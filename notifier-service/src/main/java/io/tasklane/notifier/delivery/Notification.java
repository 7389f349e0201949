package io.tasklane.notifier.delivery;

import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.DeadlineAction;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import java.time.temporal.ChronoUnit;

/**
 * A lifecycle event written for people: what the task is, what happened, the summary, and how to
 * look at it.
 *
 * @param link a URL to the task, or null when only {@code command} is known
 * @param command the CLI command that shows the task
 */
public record Notification(
    String title, String headline, String summary, String link, String command) {

  public static Notification of(TaskLifecycleEvent event, String taskUrlTemplate) {
    var data = event.data();
    String title =
        data.label() != null && !data.label().isBlank()
            ? data.label()
            : "Task " + data.taskId().toString().substring(0, 8);
    boolean progress = TaskLifecycleEvent.TYPE_PROGRESS.equals(event.type());
    String headline = progress ? "In progress" : headline(data.status());
    String summary = progress ? data.progressSummary() : summary(data);
    String link =
        taskUrlTemplate == null || taskUrlTemplate.isBlank()
            ? null
            : taskUrlTemplate.replace("{taskId}", data.taskId().toString());
    return new Notification(
        title,
        headline,
        summary == null ? "" : summary.strip(),
        link,
        "tasklane tasks show " + data.taskId());
  }

  /** The whole message as plain text. */
  public String plainText() {
    var text = new StringBuilder(title).append('\n').append(headline);
    if (!summary.isEmpty()) {
      text.append("\n\n").append(summary);
    }
    return text.append("\n\n").append(reference()).toString();
  }

  /** One line telling the reader where the task can be seen. */
  public String reference() {
    return link != null ? "Details: " + link : "Details: " + command;
  }

  private static String headline(TaskStatus status) {
    if (status == null) {
      return "Updated";
    }
    return switch (status) {
      case QUEUED -> "Queued";
      case RUNNING -> "Running";
      case PAUSED -> "Paused";
      case NEEDS_ASSISTANCE -> "Needs your help";
      case SUCCEEDED -> "Done";
      case FAILED -> "Failed";
      case TIMED_OUT -> "Timed out";
      case CANCELLED -> "Cancelled";
      case LOST -> "Lost";
    };
  }

  /** Arguments longer than this are cut in messages; the full text is on the task. */
  static final int ARGUMENTS_SHOWN = 300;

  private static String summary(TaskLifecycleEvent.Data data) {
    TaskStatus status = data.status();
    ApprovalRequest approval = data.approval();
    if (status == TaskStatus.NEEDS_ASSISTANCE && approval != null && approval.pending()) {
      return approvalSummary(approval);
    }
    if (status == TaskStatus.NEEDS_ASSISTANCE || status == TaskStatus.PAUSED) {
      return firstPresent(data.statusReason(), data.progressSummary());
    }
    if (status != null && status.isTerminal()) {
      String summary = firstPresent(data.terminalSummary(), data.statusReason());
      if (data.error() != null && !data.error().isBlank() && status != TaskStatus.SUCCEEDED) {
        return summary == null ? data.error() : summary + "\n\n" + data.error();
      }
      return summary;
    }
    return data.statusReason();
  }

  private static String approvalSummary(ApprovalRequest approval) {
    String arguments = approval.arguments() == null ? "" : approval.arguments().strip();
    if (arguments.length() > ARGUMENTS_SHOWN) {
      arguments = arguments.substring(0, ARGUMENTS_SHOWN - 1) + "…";
    }
    var text =
        new StringBuilder("Approval ")
            .append(approval.number())
            .append(" needed: ")
            .append(approval.tool())
            .append(" (step ")
            .append(approval.stepIndex())
            .append(")");
    if (!arguments.isEmpty()) {
      text.append('\n').append(arguments);
    }
    if (approval.deadline() != null) {
      text.append("\nDecide by ").append(approval.deadline().truncatedTo(ChronoUnit.SECONDS));
      if (approval.onDeadline() != null) {
        text.append(
            approval.onDeadline() == DeadlineAction.FAIL
                ? "; then the task fails"
                : "; then the call is denied");
      }
    }
    if (!approval.approvers().isEmpty()) {
      text.append("\nApprovers: ").append(String.join(", ", approval.approvers()));
    }
    return text.toString();
  }

  private static String firstPresent(String first, String second) {
    return first != null && !first.isBlank() ? first : second;
  }
}
