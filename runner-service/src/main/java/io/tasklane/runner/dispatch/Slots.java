package io.tasklane.runner.dispatch;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.runner.RunnerProperties;
import org.springframework.stereotype.Component;

/**
 * The runner's task slots: a counter, nothing more. A slot is taken for a claim and held while the
 * claimed task runs; the dispatch listener decides what a free slot takes next.
 */
@Component
class Slots {

  private final int capacity;
  private int taken;

  Slots(RunnerProperties properties, MeterRegistry meters) {
    this.capacity = properties.slots();
    Gauge.builder("tasklane.runner.slots.busy", this, Slots::busy)
        .description("Task slots taken by a claim or a running task")
        .register(meters);
    Gauge.builder("tasklane.runner.slots.capacity", this, s -> s.capacity)
        .description("Task slots of this runner (tasklane.runner.slots)")
        .register(meters);
  }

  int capacity() {
    return capacity;
  }

  synchronized boolean tryTake() {
    if (taken >= capacity) {
      return false;
    }
    taken++;
    return true;
  }

  synchronized void release() {
    taken--;
  }

  synchronized int busy() {
    return taken;
  }

  synchronized boolean anyFree() {
    return taken < capacity;
  }
}
