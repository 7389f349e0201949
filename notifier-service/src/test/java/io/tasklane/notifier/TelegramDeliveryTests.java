package io.tasklane.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.testsupport.telegram.FakeTelegramBotApi;
import io.tasklane.testsupport.telegram.FakeTelegramBotApi.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TelegramDeliveryTests extends NotifierIntegrationTest {

  @Test
  void aResultReachesTheChatAsEscapedHtmlThatReadsLikeTheSummary() {
    String session = newSession();
    String chat = newChatId();
    registerTelegram(session, chat);
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    task.label = "Compare <b> & <i> tags";
    String summary = "Use <b>bold</b> when a < b && b > c; \"quotes\" stay.";
    TaskLifecycleEvent done = task.finish(TaskStatus.SUCCEEDED, summary);
    publish(done);

    var report = awaitReport(done.id());
    assertThat(report.channel()).isEqualTo(DeliveryChannel.TELEGRAM);
    assertThat(report.outcome()).isEqualTo(DeliveryStatus.DELIVERED);
    var message = telegram.delivered(chat).getFirst();
    assertThat(message.parseMode()).isEqualTo("HTML");
    assertThat(message.text()).startsWith("<b>Compare &lt;b&gt; &amp; &lt;i&gt; tags</b>\nDone");
    assertThat(message.visibleText())
        .isEqualTo(
            "Compare <b> & <i> tags\nDone\n\n"
                + summary
                + "\n\nDetails: tasklane tasks show "
                + task.id);
    assertThat(inbox(session)).hasSize(1);
  }

  @Test
  void htmlRefusedByTelegramIsSentAgainAsPlainText() {
    String session = newSession();
    String chat = newChatId();
    registerTelegram(session, chat);
    telegram.script(Answer.rejectHtml());
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    TaskLifecycleEvent done = task.finish(TaskStatus.SUCCEEDED, "Plain words <still> arrive.");
    publish(done);

    assertThat(awaitReport(done.id()).outcome()).isEqualTo(DeliveryStatus.DELIVERED);
    List<FakeTelegramBotApi.Request> toChat =
        telegram.requests().stream().filter(r -> chat.equals(r.chatId())).toList();
    assertThat(toChat).extracting(FakeTelegramBotApi.Request::status).containsExactly(400, 200);
    var plain = toChat.get(1);
    assertThat(plain.parseMode()).isNull();
    assertThat(plain.visibleText())
        .startsWith("Summarise the quarterly report\nDone\n\nPlain words <still> arrive.");
  }

  @Test
  void aLongSummaryIsSplitIntoMessagesOfAtMost4096Characters() {
    String session = newSession();
    String chat = newChatId();
    registerTelegram(session, chat);
    String summary =
        IntStream.range(0, 1500)
            .mapToObj(i -> "word" + i + " <&>")
            .collect(Collectors.joining(" "));
    var task = new Task(session, NotifyPolicy.DONE_ONLY);
    TaskLifecycleEvent done = task.finish(TaskStatus.SUCCEEDED, summary);
    publish(done);

    assertThat(awaitReport(done.id()).outcome()).isEqualTo(DeliveryStatus.DELIVERED);
    var messages = telegram.delivered(chat);
    assertThat(messages).hasSizeGreaterThanOrEqualTo(4);
    assertThat(messages).allSatisfy(m -> assertThat(m.text().length()).isLessThanOrEqualTo(4096));
    String joined =
        messages.stream()
            .map(FakeTelegramBotApi.Request::visibleText)
            .collect(Collectors.joining(" "))
            .replaceAll("\\s+", " ");
    assertThat(joined).contains(summary).endsWith("Details: tasklane tasks show " + task.id);
  }

  @Test
  void aBurstToOneChatIsSpacedByThePerChatIntervalAndNothingIsDropped() {
    String session = newSession();
    String chat = newChatId();
    registerTelegram(session, chat);
    List<TaskLifecycleEvent> events = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      var task = new Task(session, NotifyPolicy.DONE_ONLY);
      task.label = "Burst task " + i;
      events.add(task.finish(TaskStatus.SUCCEEDED, "Result " + i));
    }
    events.forEach(this::publish);

    await().atMost(Duration.ofSeconds(60)).until(() -> telegram.delivered(chat).size() >= 100);
    var messages = telegram.delivered(chat);
    assertThat(messages).hasSize(100);
    for (int i = 1; i < messages.size(); i++) {
      Duration gap =
          Duration.between(messages.get(i - 1).receivedAt(), messages.get(i).receivedAt());
      assertThat(gap).isGreaterThanOrEqualTo(PER_CHAT_INTERVAL);
    }
    assertThat(messages)
        .extracting(m -> m.visibleText().lines().findFirst().orElseThrow())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 100).mapToObj(i -> "Burst task " + i).toList());
    events.forEach(
        e -> assertThat(awaitReport(e.id()).outcome()).isEqualTo(DeliveryStatus.DELIVERED));
  }

  @Test
  void aStormOf429sDelaysMessagesButLosesNone() {
    List<String> chats = List.of(newChatId(), newChatId(), newChatId());
    List<TaskLifecycleEvent> events = new ArrayList<>();
    for (String chat : chats) {
      String session = newSession();
      registerTelegram(session, chat);
      for (int i = 0; i < 4; i++) {
        events.add(
            new Task(session, NotifyPolicy.DONE_ONLY)
                .finish(TaskStatus.SUCCEEDED, chat + " result " + i));
      }
    }
    telegram.script(
        Answer.tooManyRequests(1),
        Answer.tooManyRequests(1),
        Answer.tooManyRequests(1),
        Answer.tooManyRequests(1));
    events.forEach(this::publish);

    events.forEach(
        e -> assertThat(awaitReport(e.id()).outcome()).isEqualTo(DeliveryStatus.DELIVERED));
    for (String chat : chats) {
      var requests = telegram.requests().stream().filter(r -> chat.equals(r.chatId())).toList();
      assertThat(telegram.delivered(chat)).hasSize(4);
      for (int i = 0; i < requests.size(); i++) {
        if (requests.get(i).status() == 429 && i + 1 < requests.size()) {
          assertThat(
                  Duration.between(requests.get(i).receivedAt(), requests.get(i + 1).receivedAt()))
              .isGreaterThanOrEqualTo(Duration.ofMillis(990));
        }
      }
    }
    assertThat(telegram.requests()).filteredOn(r -> r.status() == 429).hasSize(4);
  }
}
