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

  /** Answers every request the same way. */
  static Script always(Reply reply) {
    return request -> reply;
  }
}
