package io.tasklane.ledger.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.tasklane.contracts.ModelOptions;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies are read strictly: an unknown or repeated field, a number where text is expected
 * or a fraction where a whole number is expected is a 400 naming the field, never silently dropped
 * or coerced. Only the HTTP API reads this way; Kafka messages stay tolerant of fields a newer
 * sender adds.
 */
@Configuration
class StrictJson {

  @Bean
  @Order(10)
  ServerHttpMessageConvertersCustomizer strictRequestBodies(JsonMapper json) {
    JsonMapper strict = strict(json);
    return converters -> converters.withJsonConverter(new JacksonJsonHttpMessageConverter(strict));
  }

  static JsonMapper strict(JsonMapper json) {
    return json.rebuild()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .withCoercionConfig(
            LogicalType.Textual,
            text ->
                text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Integer,
            whole ->
                whole
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Boolean,
            bool ->
                bool.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
        .addMixIn(ModelOptions.class, Strict.class)
        .build();
  }

  /** Overrides the wire records' tolerance of unknown fields where they are request bodies. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  private abstract static class Strict {}
}
