package io.tasklane.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.ApprovalDecision;
import io.tasklane.contracts.ApprovalPolicy;
import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.ApprovalRule;
import io.tasklane.contracts.ConversationMessage;
import io.tasklane.contracts.DeadlineAction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Which calls an approval policy holds, and what a call that is not run is answered with. */
@Tag("fast")
class ApprovalGateRulesTests {

  private static ApprovalPolicy policy(ApprovalRule... rules) {
    return new ApprovalPolicy(List.of(rules), List.of(), null, null);
  }

  @Test
  void aListedShellHoldsEveryCall() {
    ApprovalPolicy policy = policy(new ApprovalRule("shell", List.of(), null));

    assertThat(ApprovalGate.needsApproval(policy, "shell", Map.of("command", "ls"))).isTrue();
    assertThat(ApprovalGate.needsApproval(policy, "read_file", Map.of("path", "a.txt"))).isFalse();
  }

  @Test
  void aFetchNeedsApprovalUnlessItsHostIsAllowed() {
    ApprovalPolicy policy =
        policy(new ApprovalRule("http_fetch", List.of("docs.example.org"), null));

    assertThat(fetch(policy, "https://docs.example.org/a")).isFalse();
    assertThat(fetch(policy, "https://DOCS.example.org./a")).isFalse();
    assertThat(fetch(policy, "https://evil.example.com/a")).isTrue();
    assertThat(fetch(policy, "https://docs.example.org.evil.example.com/")).isTrue();
    assertThat(fetch(policy, "https://docs.example.org@evil.example.com/")).isTrue();
    assertThat(fetch(policy, "not a url")).isTrue();
  }

  @Test
  void aFetchRuleWithoutAllowedHostsHoldsEveryFetch() {
    ApprovalPolicy policy = policy(new ApprovalRule("http_fetch", null, null));

    assertThat(fetch(policy, "https://docs.example.org/a")).isTrue();
  }

  @Test
  void aWriteNeedsApprovalOutsideThePrefixAndDotDotDoesNotEscapeIt() {
    ApprovalPolicy policy = policy(new ApprovalRule("write_file", List.of(), "out/"));

    assertThat(write(policy, "out/report.md")).isFalse();
    assertThat(write(policy, "./out/sub/../report.md")).isFalse();
    assertThat(write(policy, "out/../secrets.txt")).isTrue();
    assertThat(write(policy, "out/../../etc/passwd")).isTrue();
    assertThat(write(policy, "output/report.md")).isTrue();
    assertThat(write(policy, "/out/report.md")).isTrue();
    assertThat(write(policy, "notes.txt")).isTrue();
  }

  @Test
  void aPrefixThatClimbsOutOfTheWorkspaceAllowsNothing() {
    ApprovalPolicy policy = policy(new ApprovalRule("write_file", List.of(), "../"));

    assertThat(write(policy, "../x.txt")).isTrue();
  }

  @Test
  void aWriteRuleWithoutAPrefixHoldsEveryWrite() {
    ApprovalPolicy policy = policy(new ApprovalRule("write_file", List.of(), null));

    assertThat(write(policy, "out/report.md")).isTrue();
  }

  @Test
  void aDeniedCallIsAnsweredWithWhoDeniedItAndTheComment() {
    String answer = ApprovalGate.notRun(decided(ApprovalDecision.DENIED, "alice", "not today"));

    assertThat(answer).startsWith("Not run").contains("denied by alice").contains("not today");
  }

  @Test
  void anExpiredCallIsAnsweredAsDenied() {
    assertThat(ApprovalGate.notRun(decided(ApprovalDecision.EXPIRED, "deadline", null)))
        .startsWith("Not run")
        .contains("deadline");
  }

  @Test
  void anApprovedCallThatAnEarlierAttemptTookIsNotRunAgain() {
    assertThat(ApprovalGate.notRun(decided(ApprovalDecision.APPROVED, "alice", null)))
        .startsWith("Not run again");
  }

  @Test
  void laterCallsOfAHeldReplyStopTheRunForApproval() {
    assertThat(ApprovalGate.stopReason(ApprovalGate.LATER_CALLS)).isEqualTo(ApprovalRequest.REASON);
    assertThat(ApprovalGate.stopReason("loop")).isEqualTo("loop");
  }

  @Test
  void aLateResultJoinsItsReplyBeforeAnOperatorsMessage() {
    Conversation conversation =
        new Conversation(
            List.of(
                ConversationMessage.of("user", "Task: publish"),
                new ConversationMessage("assistant", "{\"command\":\"make\"}", "shell", "c1"),
                new ConversationMessage("assistant", "{}", "list_files", "c2"),
                new ConversationMessage("tool", "Not run", "list_files", "c2"),
                ConversationMessage.of("user", "Operator: go on")));

    conversation.lateToolResult("c1", "shell", "Not run: denied");

    assertThat(conversation.snapshot())
        .extracting(ConversationMessage::content)
        .containsExactly(
            "Task: publish",
            "{\"command\":\"make\"}",
            "{}",
            "Not run",
            "Not run: denied",
            "Operator: go on");
    assertThat(conversation.answered("c1")).isTrue();
  }

  private static boolean fetch(ApprovalPolicy policy, String url) {
    return ApprovalGate.needsApproval(policy, "http_fetch", Map.of("url", url));
  }

  private static boolean write(ApprovalPolicy policy, String path) {
    return ApprovalGate.needsApproval(
        policy, "write_file", Map.of("path", path, "content", "text"));
  }

  private static ApprovalRequest decided(
      ApprovalDecision decision, String decidedBy, String comment) {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    return new ApprovalRequest(
        1,
        "call_1",
        "shell",
        "{\"command\":\"ls\"}",
        0,
        List.of(),
        at,
        at.plusSeconds(60),
        DeadlineAction.DENY,
        decision,
        decidedBy,
        at,
        comment,
        false);
  }
}
