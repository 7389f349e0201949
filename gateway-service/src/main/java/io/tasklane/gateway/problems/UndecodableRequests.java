package io.tasklane.gateway.problems;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.tasklane.gateway.routes.RequestTarget;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Requests the server cannot hand to the application as they are — a request line or headers over
 * the decoder's limits, a malformed request, a target that is not a URI — would be answered by the
 * server with a bare status. They are passed on instead as an empty {@code GET /} marked with
 * {@link #MARK}, and the first web filter answers them with a problem like every other refusal. A
 * request that failed to decode also closes its connection, since the decoder discards the rest.
 */
@Component
class UndecodableRequests implements NettyServerCustomizer, WebFilter, Ordered {

  /** Set only here, on the marked request; a request carrying it is always refused. */
  static final String MARK = "X-Tasklane-Undecodable";

  record Refusal(HttpStatus status, String slug, String detail) {}

  static final Map<String, Refusal> REFUSALS =
      Map.of(
          "uri-too-long",
          new Refusal(
              HttpStatus.URI_TOO_LONG, "uri-too-long", "The request line is longer than allowed"),
          "headers-too-large",
          new Refusal(
              HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
              "headers-too-large",
              "The request headers are larger than allowed"),
          "invalid-path",
          new Refusal(
              HttpStatus.BAD_REQUEST, "invalid-path", "The request target is not a valid URI"),
          "invalid-query",
          new Refusal(
              HttpStatus.BAD_REQUEST,
              "invalid-query",
              "The query has a malformed escape or a character that must be encoded"),
          "invalid-host",
          new Refusal(HttpStatus.BAD_REQUEST, "bad-request", "The Host header is not a host"),
          "http-version",
          new Refusal(
              HttpStatus.BAD_REQUEST, "bad-request", "Only HTTP/1.0 and HTTP/1.1 are served"),
          "hosts",
          new Refusal(HttpStatus.BAD_REQUEST, "bad-request", "The request has more than one Host"),
          "bad-request",
          new Refusal(HttpStatus.BAD_REQUEST, "bad-request", "The request is not valid HTTP"));

  /** What a request carrying {@link #MARK} with {@code value} is answered with. */
  static Refusal refusal(String value) {
    return REFUSALS.getOrDefault(value, REFUSALS.get("bad-request"));
  }

  private static final Marker MARKER = new Marker();

  static final String INCOMPLETE_BODY = "The client stopped sending before the request body ended";

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String mark = exchange.getRequest().getHeaders().getFirst(MARK);
    if (mark == null) {
      return chain.filter(exchange);
    }
    Refusal refusal = refusal(mark);
    return Problems.write(
        exchange.getResponse(), refusal.status(), refusal.slug(), refusal.detail());
  }

  @Override
  public HttpServer apply(HttpServer server) {
    return server
        .childOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true)
        .doOnChannelInit(
            (observer, channel, remoteAddress) -> {
              if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel
                    .pipeline()
                    .addAfter(NettyPipeline.HttpCodec, "tasklane.undecodable", MARKER);
              }
            });
  }

  @ChannelHandler.Sharable
  static final class Marker extends ChannelDuplexHandler {

    private static final AttributeKey<Boolean> IN_BODY = AttributeKey.valueOf("tasklane.inBody");
    private static final AttributeKey<Boolean> RESPONDED =
        AttributeKey.valueOf("tasklane.responded");

    /** A DNS name or IPv4 address, or a bracketed IPv6 address, and an optional port. */
    private static final Pattern HOST =
        Pattern.compile("(\\[[0-9A-Fa-f:.]{2,45}]|[A-Za-z0-9._-]{1,253})(:[0-9]{1,5})?");

    /**
     * The server answers a request that failed to decode with a bare status of its own; like every
     * other refusal it goes out as a problem.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse) {
        ctx.channel().attr(RESPONDED).set(Boolean.TRUE);
      }
      if (msg instanceof FullHttpResponse bare
          && bare.status().code() >= 400
          && !bare.content().isReadable()
          && !bare.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
        HttpStatus status = HttpStatus.resolve(bare.status().code());
        if (status != null) {
          FullHttpResponse problem =
              problem(status, "bad-request", "The request is not valid HTTP", bare);
          bare.release();
          ctx.write(problem, promise);
          return;
        }
      }
      ctx.write(msg, promise);
    }

    /**
     * A client that ends its input before its request body ends will never finish the request: it
     * is answered here and the connection closed, which aborts the request on its way to the
     * backend, so no backend ever sees it complete.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent
          && ctx.channel().attr(IN_BODY).getAndSet(null) != null
          && ctx.channel().attr(RESPONDED).get() == null) {
        ctx.channel().attr(RESPONDED).set(Boolean.TRUE);
        FullHttpResponse problem =
            problem(HttpStatus.BAD_REQUEST, "incomplete-body", INCOMPLETE_BODY, null);
        problem.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(problem).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    private static FullHttpResponse problem(
        HttpStatus status, String slug, String detail, HttpResponse replacing) {
      byte[] body = Problems.body(status, slug, status.getReasonPhrase(), detail);
      DefaultFullHttpResponse problem =
          new DefaultFullHttpResponse(
              replacing == null ? HttpVersion.HTTP_1_1 : replacing.protocolVersion(),
              HttpResponseStatus.valueOf(status.value()),
              Unpooled.wrappedBuffer(body));
      if (replacing != null) {
        problem.headers().set(replacing.headers());
      }
      problem.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
      problem.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
      return problem;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpContent) {
        if (msg instanceof LastHttpContent) {
          ctx.channel().attr(IN_BODY).set(null);
        }
      }
      if (msg instanceof HttpRequest request) {
        ctx.channel().attr(RESPONDED).set(null);
        if (!(msg instanceof LastHttpContent)) {
          ctx.channel().attr(IN_BODY).set(Boolean.TRUE);
        }
        if (request.decoderResult().isFailure()) {
          String reason = reason(request.decoderResult().cause());
          ReferenceCountUtil.release(msg);
          DefaultFullHttpRequest marked =
              new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
          marked.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
          marked.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
          marked.headers().set(MARK, reason);
          ctx.fireChannelRead(marked);
          return;
        }
        if (!HttpVersion.HTTP_1_1.equals(request.protocolVersion())
            && !HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
          // answered in a version the client can read, and the connection closed after it
          request.setProtocolVersion(HttpVersion.HTTP_1_1);
          request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
          request.headers().set(MARK, "http-version");
        }
        if (request.headers().getAll(HttpHeaderNames.HOST).size() > 1) {
          request.headers().set(HttpHeaderNames.HOST, "localhost");
          request.headers().set(MARK, "hosts");
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host != null && !HOST.matcher(host).matches()) {
          request.headers().set(HttpHeaderNames.HOST, "localhost");
          request.headers().set(MARK, "invalid-host");
        }
        if (!readable(request.uri())) {
          request.headers().set(MARK, unreadablePart(request.uri()));
          request.setUri("/");
        }
      }
      ctx.fireChannelRead(msg);
    }

    private static String reason(Throwable cause) {
      if (cause instanceof TooLongHttpLineException) {
        return "uri-too-long";
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return "headers-too-large";
      }
      return cause instanceof TooLongFrameException ? "headers-too-large" : "bad-request";
    }

    private static String unreadablePart(String uri) {
      int query = uri.indexOf('?');
      if (query >= 0
          && RequestTarget.of(uri.substring(0, query), null) instanceof RequestTarget.Canonical) {
        return "invalid-query";
      }
      return "invalid-path";
    }

    /** Whether the application can read the target as a URI at all. */
    private static boolean readable(String uri) {
      if (!uri.startsWith("/") && !uri.startsWith("http://") && !uri.startsWith("https://")) {
        return false;
      }
      try {
        new URI(uri);
        return true;
      } catch (URISyntaxException e) {
        return false;
      }
    }
  }
}
