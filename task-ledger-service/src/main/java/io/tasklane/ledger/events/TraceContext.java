package io.tasklane.ledger.events;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.tasklane.contracts.Topics;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The W3C {@code traceparent} of the current span, written with a new task so that the messages
 * about it carry the trace of the request that created it.
 */
@Component
public class TraceContext {

  /** The Kafka header (and HTTP header) that carries the trace context. */
  public static final String HEADER = Topics.TRACE_PARENT_HEADER;

  private final Tracer tracer;
  private final Propagator propagator;

  TraceContext(Tracer tracer, Propagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  /** The current span's trace context, or null outside any trace. */
  public String current() {
    Span span = tracer.currentSpan();
    if (span == null) {
      return null;
    }
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(span.context(), carrier, Map::put);
    return carrier.get(HEADER);
  }
}
