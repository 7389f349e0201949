package io.tasklane.ledger.api;

import io.tasklane.backend.Problems;
import io.tasklane.contracts.WireEnum;
import io.tasklane.ledger.LedgerProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.ConverterFactory;
import org.springframework.format.FormatterRegistry;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks every request makes before a controller sees it: the tenant header is well-formed on the
 * public API, and the body is no larger than the configured limit. Enum query parameters parse by
 * wire value.
 */
@Configuration
class RequestGuards implements WebMvcConfigurer {

  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  @Override
  public void addFormatters(FormatterRegistry registry) {
    registry.addConverterFactory(wireEnums());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ConverterFactory<String, Enum> wireEnums() {
    return new ConverterFactory<>() {
      @Override
      public <T extends Enum>
          org.springframework.core.convert.converter.Converter<String, T> getConverter(
              Class<T> targetType) {
        if (!WireEnum.class.isAssignableFrom(targetType)) {
          return source -> (T) Enum.valueOf(targetType, source);
        }
        return source -> (T) WireEnum.parse((Class) targetType, source.trim());
      }
    };
  }

  @org.springframework.context.annotation.Bean
  OncePerRequestFilter tenantAndSizeFilter(LedgerProperties properties, JsonMapper json) {
    long limit = properties.maxRequestBytes();
    return new OncePerRequestFilter() {
      @Override
      protected void doFilterInternal(
          HttpServletRequest request, HttpServletResponse response, FilterChain chain)
          throws ServletException, IOException {
        if (request.getRequestURI().startsWith("/api/")) {
          String tenant = request.getHeader(Tenants.HEADER);
          if (tenant != null && !TENANT.matcher(tenant).matches()) {
            reject(
                response,
                json,
                HttpStatus.BAD_REQUEST,
                "invalid-tenant",
                "Invalid tenant",
                "The tenant header is malformed");
            return;
          }
        }
        if (request.getContentLengthLong() > limit) {
          reject(
              response,
              json,
              HttpStatus.CONTENT_TOO_LARGE,
              "payload-too-large",
              "Request body too large",
              "The request body is larger than " + limit + " bytes");
          return;
        }
        chain.doFilter(new LimitedRequest(request, limit), response);
      }
    };
  }

  static void reject(
      HttpServletResponse response,
      JsonMapper json,
      HttpStatus status,
      String slug,
      String title,
      String detail)
      throws IOException {
    Problems.write(response, json, ApiProblems.problem(status, slug, title, detail));
  }

  /** Counts body bytes as they are read, for bodies sent without a Content-Length. */
  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private final long limit;

    LimitedRequest(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      ServletInputStream in = super.getInputStream();
      return new ServletInputStream() {
        private long read;

        @Override
        public int read() throws IOException {
          int b = in.read();
          if (b >= 0 && ++read > limit) {
            throw new PayloadTooLargeException(limit);
          }
          return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int n = in.read(buffer, offset, length);
          if (n > 0 && (read += n) > limit) {
            throw new PayloadTooLargeException(limit);
          }
          return n;
        }

        @Override
        public boolean isFinished() {
          return in.isFinished();
        }

        @Override
        public boolean isReady() {
          return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
          in.setReadListener(listener);
        }
      };
    }
  }
}
