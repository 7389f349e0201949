package io.tasklane.runner.agent;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.tasklane.contracts.Topics;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Puts the work on a task in the trace of the request that created it: the ledger sends the task's
 * W3C {@code traceparent} with every dispatch, and the runner continues it for the claim, the run
 * and the reports the run sends (so the runner's log lines about a task carry its trace id).
 */
@Component
public class TaskTraces {

  /** The Kafka header that carries the trace context. */
  public static final String HEADER = Topics.TRACE_PARENT_HEADER;

  private final Tracer tracer;
  private final Propagator propagator;

  TaskTraces(Tracer tracer, Propagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  /**
   * Runs {@code work} in a span continuing {@code traceParent} (a new trace when it is null or
   * unreadable).
   */
  public <T> T inTrace(String traceParent, String name, Supplier<T> work) {
    Map<String, String> carrier = traceParent == null ? Map.of() : Map.of(HEADER, traceParent);
    Span span = propagator.extract(carrier, Map::get).name(name).start();
    try (var scope = tracer.withSpan(span)) {
      return work.get();
    } finally {
      span.end();
    }
  }

  /** The span current on this thread, to continue on another thread; null if there is none. */
  Span current() {
    return tracer.currentSpan();
  }

  /** Runs {@code work} in a new span, a child of {@code parent} (a new trace when it is null). */
  void inChildSpan(Span parent, String name, Runnable work) {
    Span span = (parent == null ? tracer.nextSpan() : tracer.nextSpan(parent)).name(name).start();
    try (var scope = tracer.withSpan(span)) {
      work.run();
    } finally {
      span.end();
    }
  }
}
