package io.tasklane.testsupport.model;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** How a scripted model answers: a function of the request it receives. */
@FunctionalInterface
public interface Script {

  Reply reply(RecordedRequest request);

  /** Answers with the replies in order, then keeps repeating the last one. */
  static Script of(Reply... replies) {
    List<Reply> queue = List.of(replies);
    AtomicInteger next = new AtomicInteger();
    return request -> queue.get(Math.min(next.getAndIncrement(), queue.size() - 1));
  }

  /**
   * A gullible verifier: answers {@code YES} whenever {@code expected} appears anywhere in its
   * prompt (system, user and tool messages alike), and {@code NO} otherwise. It plays the worst
   * verifier a small model can be, so a test that passes against it does not depend on the
   * verifier's judgement.
   */
  static Script gullible(String expected) {
    return request ->
        request.transcript().contains(expected)
            ? Reply.text("YES: I can see " + expected + ".")
            : Reply.text("NO: I cannot see " + expected + ".");
  }

  /** Answers every request the same way. */
  static Script always(Reply reply) {
    return request -> reply;
  }
}
