package io.tasklane.notifier.telegram;

import io.tasklane.notifier.answers.AnswerAction;
import java.util.Optional;
import java.util.UUID;

/**
 * What an inline button stands for, in the at most 64 bytes Telegram keeps: {@code a:<taskId>:<n>}
 * (approve request n), {@code d:<taskId>:<n>} (deny it), {@code r:<taskId>} (resume), {@code
 * c:<taskId>} (cancel).
 */
record CallbackData(AnswerAction action, UUID taskId, Integer approval) {

  static final int MAX_BYTES = 64;

  String encode() {
    String task = taskId.toString();
    return switch (action) {
      case APPROVE -> "a:" + task + ":" + approval;
      case DENY -> "d:" + task + ":" + approval;
      case RESUME -> "r:" + task;
      case CANCEL -> "c:" + task;
    };
  }

  static Optional<CallbackData> parse(String data) {
    if (data == null || data.length() > MAX_BYTES) {
      return Optional.empty();
    }
    String[] parts = data.split(":", -1);
    try {
      return switch (parts[0]) {
        case "a", "d" -> {
          if (parts.length != 3) {
            yield Optional.empty();
          }
          int number = Integer.parseInt(parts[2]);
          yield number < 1
              ? Optional.empty()
              : Optional.of(
                  new CallbackData(
                      parts[0].equals("a") ? AnswerAction.APPROVE : AnswerAction.DENY,
                      UUID.fromString(parts[1]),
                      number));
        }
        case "r", "c" ->
            parts.length != 2
                ? Optional.empty()
                : Optional.of(
                    new CallbackData(
                        parts[0].equals("r") ? AnswerAction.RESUME : AnswerAction.CANCEL,
                        UUID.fromString(parts[1]),
                        null));
        default -> Optional.empty();
      };
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
