package io.tasklane.notifier.telegram;

import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.notifier.answers.AnswerAction;
import io.tasklane.notifier.delivery.Notification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a notification as Telegram messages: bold title, headline, summary and a way to open the
 * task, in HTML with every user-supplied character escaped. Text longer than one message is split
 * at line or word boundaries into messages of at most 4096 characters, each valid on its own.
 */
final class TelegramMessages {

  static final int LIMIT = 4096;

  /** One message, as HTML and as the plain text sent when Telegram refuses the HTML. */
  record Part(String html, String plain) {}

  private TelegramMessages() {}

  static List<Part> render(Notification notification) {
    String headerHtml =
        "<b>" + escape(notification.title()) + "</b>\n" + escape(notification.headline());
    String headerPlain = notification.title() + "\n" + notification.headline();
    String footerHtml =
        notification.link() != null
            ? "<a href=\"" + escapeAttribute(notification.link()) + "\">Open the task</a>"
            : "Details: <code>" + escape(notification.command()) + "</code>";
    String footerPlain = notification.reference();

    List<String> chunks = split(notification.summary(), LIMIT - headerHtml.length() - 2, LIMIT);
    List<Part> parts = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) {
      String chunk = chunks.get(i);
      if (i == 0) {
        String separator = chunk.isEmpty() ? "" : "\n\n";
        parts.add(
            new Part(headerHtml + separator + escape(chunk), headerPlain + separator + chunk));
      } else {
        parts.add(new Part(escape(chunk), chunk));
      }
    }
    Part last = parts.getLast();
    if (last.html().length() + 2 + footerHtml.length() <= LIMIT) {
      parts.set(
          parts.size() - 1,
          new Part(last.html() + "\n\n" + footerHtml, last.plain() + "\n\n" + footerPlain));
    } else {
      parts.add(new Part(footerHtml, footerPlain));
    }
    return parts;
  }

  /**
   * The buttons under a message about a task that waits for its operator: Approve / Deny / Cancel
   * for an approval request, Resume / Cancel otherwise; null for any other message.
   */
  static Map<String, Object> keyboard(TaskLifecycleEvent event) {
    var data = event.data();
    boolean transition =
        TaskLifecycleEvent.TYPE_STATUS_CHANGED.equals(event.type())
            || TaskLifecycleEvent.TYPE_CREATED.equals(event.type());
    if (!transition || data.status() != TaskStatus.NEEDS_ASSISTANCE) {
      return null;
    }
    UUID task = data.taskId();
    ApprovalRequest approval = data.approval();
    List<List<Map<String, String>>> rows =
        approval != null && approval.pending()
            ? List.of(
                List.of(
                    button(
                        "Approve", new CallbackData(AnswerAction.APPROVE, task, approval.number())),
                    button("Deny", new CallbackData(AnswerAction.DENY, task, approval.number()))),
                List.of(button("Cancel", new CallbackData(AnswerAction.CANCEL, task, null))))
            : List.of(
                List.of(
                    button("Resume", new CallbackData(AnswerAction.RESUME, task, null)),
                    button("Cancel", new CallbackData(AnswerAction.CANCEL, task, null))));
    return Map.of("inline_keyboard", rows);
  }

  private static Map<String, String> button(String text, CallbackData data) {
    return Map.of("text", text, "callback_data", data.encode());
  }

  static String escape(String text) {
    var out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String escapeAttribute(String text) {
    return escape(text).replace("\"", "&quot;");
  }

  private static int escapedLength(char c) {
    return switch (c) {
      case '&' -> 5;
      case '<', '>' -> 4;
      default -> 1;
    };
  }

  /**
   * Splits text into chunks whose escaped length fits {@code firstBudget} for the first chunk and
   * {@code budget} after it. An empty text gives one empty chunk.
   */
  static List<String> split(String text, int firstBudget, int budget) {
    List<String> chunks = new ArrayList<>();
    int start = 0;
    int limit = firstBudget;
    while (true) {
      int end = start;
      int cost = 0;
      while (end < text.length() && cost + escapedLength(text.charAt(end)) <= limit) {
        cost += escapedLength(text.charAt(end));
        end++;
      }
      if (end >= text.length()) {
        chunks.add(text.substring(start).strip());
        return chunks;
      }
      if (Character.isLowSurrogate(text.charAt(end))) {
        end--;
      }
      int cut = breakPoint(text, start, end);
      chunks.add(text.substring(start, cut).strip());
      start = cut;
      while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
        start++;
      }
      if (start >= text.length()) {
        return chunks;
      }
      limit = budget;
    }
  }

  private static int breakPoint(String text, int start, int end) {
    int half = start + (end - start) / 2;
    int newline = text.lastIndexOf('\n', end - 1);
    if (newline > half) {
      return newline + 1;
    }
    for (int i = end - 1; i > half; i--) {
      if (Character.isWhitespace(text.charAt(i))) {
        return i + 1;
      }
    }
    return end;
  }
}
