package io.tasklane.gateway.auth;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.core.publisher.Flux;

/**
 * A request whose body fails once more than {@code maxBytes} have streamed through, whatever its
 * headers announced (chunked bodies have no length to check up front). Nothing past the limit is
 * kept: the failure cancels the read and the error handler answers 413.
 */
final class LimitedBody extends ServerHttpRequestDecorator {

  private final long maxBytes;

  LimitedBody(ServerHttpRequest delegate, long maxBytes) {
    super(delegate);
    this.maxBytes = maxBytes;
  }

  @Override
  public Flux<DataBuffer> getBody() {
    AtomicLong seen = new AtomicLong();
    return super.getBody()
        .map(
            buffer -> {
              if (seen.addAndGet(buffer.readableByteCount()) > maxBytes) {
                DataBufferUtils.release(buffer);
                throw new DataBufferLimitException(
                    "The request body is larger than " + maxBytes + " bytes");
              }
              return buffer;
            });
  }
}
