package io.tasklane.runner.dispatch;

import io.tasklane.runner.RunnerProperties;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * The runner's task slots. When the last slot is taken the dispatch consumer is paused, so the
 * runner stops fetching work it cannot start; it resumes as soon as a slot frees.
 */
@Component
class Slots {

  static final String DISPATCH_LISTENER = "tasklane-dispatch";

  private final int capacity;
  private final KafkaListenerEndpointRegistry listeners;
  private int taken;

  Slots(RunnerProperties properties, KafkaListenerEndpointRegistry listeners) {
    this.capacity = properties.slots();
    this.listeners = listeners;
  }

  synchronized boolean tryTake() {
    if (taken >= capacity) {
      return false;
    }
    taken++;
    if (taken == capacity) {
      container().pause();
    }
    return true;
  }

  synchronized void release() {
    taken--;
    if (taken < capacity && container().isPauseRequested()) {
      container().resume();
    }
  }

  private MessageListenerContainer container() {
    return listeners.getListenerContainer(DISPATCH_LISTENER);
  }
}
