package io.tasklane.notifier.telegram;

import io.tasklane.backend.Problems;
import io.tasklane.notifier.NotifierProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where Telegram posts updates when {@code tasklane.notifier.telegram.updates=webhook}: {@code POST
 * /telegram/updates}. Telegram cannot sign a Tasklane identity; the secret token it sends in {@code
 * X-Telegram-Bot-Api-Secret-Token} (set with setWebhook) is its credential, so this endpoint is
 * answered ahead of the identity check and only when that token matches.
 */
@Configuration
class TelegramWebhookController {

  static final String PATH = "/telegram/updates";
  static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> telegramWebhook(
      NotifierProperties properties, TelegramUpdates updates, JsonMapper json) {
    var settings = properties.telegram();
    OncePerRequestFilter filter =
        new OncePerRequestFilter() {
          @Override
          protected boolean shouldNotFilter(HttpServletRequest request) {
            return !PATH.equals(request.getRequestURI());
          }

          @Override
          protected void doFilterInternal(
              HttpServletRequest request, HttpServletResponse response, FilterChain chain)
              throws ServletException, IOException {
            boolean enabled =
                settings.configured()
                    && settings.updates() == NotifierProperties.Telegram.Updates.WEBHOOK
                    && settings.webhookSecret() != null
                    && !settings.webhookSecret().isBlank();
            if (!enabled) {
              refuse(response, json, 404, "not-found", "Not found", "No such endpoint");
              return;
            }
            String token = request.getHeader(SECRET_HEADER);
            if (!"POST".equals(request.getMethod())
                || token == null
                || !MessageDigest.isEqual(
                    token.getBytes(StandardCharsets.UTF_8),
                    settings.webhookSecret().getBytes(StandardCharsets.UTF_8))) {
              refuse(
                  response,
                  json,
                  401,
                  "unauthenticated",
                  "Authentication required",
                  "The Telegram secret token is missing or wrong");
              return;
            }
            JsonNode update;
            try {
              update = json.readTree(request.getInputStream());
            } catch (JacksonException e) {
              refuse(
                  response,
                  json,
                  400,
                  "malformed-request",
                  "Malformed request body",
                  "The body is not a Telegram update");
              return;
            }
            try {
              updates.receive(update);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            response.setStatus(HttpServletResponse.SC_OK);
          }
        };
    var registration = new FilterRegistrationBean<OncePerRequestFilter>(filter);
    // ahead of the identity check, which would refuse Telegram's unsigned request
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.addUrlPatterns(PATH);
    return registration;
  }

  private static void refuse(
      HttpServletResponse response,
      JsonMapper json,
      int status,
      String slug,
      String title,
      String detail)
      throws IOException {
    Problems.write(
        response, json, Problems.problem(HttpStatus.valueOf(status), slug, title, detail));
  }
}
