package io.tasklane.notifier.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.notifier.answers.AnswerAction;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class CallbackDataTests {

  private static final UUID TASK = UUID.fromString("0b5e6c4e-6f0a-4d6e-9a57-2f5f3b1f8a11");

  @Test
  void everyButtonFitsTelegramsSixtyFourBytesAndReadsBackAsItself() {
    for (var data :
        new CallbackData[] {
          new CallbackData(AnswerAction.APPROVE, TASK, 2147483647),
          new CallbackData(AnswerAction.DENY, TASK, 1),
          new CallbackData(AnswerAction.RESUME, TASK, null),
          new CallbackData(AnswerAction.CANCEL, TASK, null)
        }) {
      assertThat(data.encode().getBytes()).hasSizeLessThanOrEqualTo(CallbackData.MAX_BYTES);
      assertThat(CallbackData.parse(data.encode())).contains(data);
    }
    assertThat(new CallbackData(AnswerAction.APPROVE, TASK, 2).encode())
        .isEqualTo("a:" + TASK + ":2");
  }

  @Test
  void anythingElseIsNoButtonOfOurs() {
    assertThat(CallbackData.parse(null)).isEmpty();
    assertThat(CallbackData.parse("")).isEmpty();
    assertThat(CallbackData.parse("a:" + TASK)).isEmpty();
    assertThat(CallbackData.parse("a:" + TASK + ":0")).isEmpty();
    assertThat(CallbackData.parse("a:" + TASK + ":x")).isEmpty();
    assertThat(CallbackData.parse("r:not-a-uuid")).isEmpty();
    assertThat(CallbackData.parse("r:" + TASK + ":1")).isEmpty();
    assertThat(CallbackData.parse("x:" + TASK)).isEmpty();
  }
}
