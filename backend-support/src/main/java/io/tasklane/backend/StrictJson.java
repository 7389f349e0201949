package io.tasklane.backend;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.tasklane.contracts.ModelOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
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
public class StrictJson {

  @Bean
  @Order(10)
  ServerHttpMessageConvertersCustomizer strictRequestBodies(JsonMapper json) {
    JsonMapper strict = strict(json);
    return converters -> converters.withJsonConverter(new Utf8Only(strict));
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

  /**
   * JSON is UTF-8 (RFC 8259): a body that declares another charset is an unsupported media type,
   * and one that is not valid UTF-8 is refused rather than read with replacement characters.
   */
  static final class Utf8Only extends JacksonJsonHttpMessageConverter {

    Utf8Only(JsonMapper mapper) {
      super(mapper);
    }

    @Override
    public boolean canRead(ResolvableType type, MediaType mediaType) {
      return utf8(mediaType) && super.canRead(type, mediaType);
    }

    @Override
    public Object read(ResolvableType type, HttpInputMessage input, Map<String, Object> hints)
        throws IOException {
      byte[] body = input.getBody().readAllBytes();
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(body));
      } catch (CharacterCodingException e) {
        throw new HttpMessageNotReadableException("The request body is not valid UTF-8", input);
      }
      HttpInputMessage checked =
          new HttpInputMessage() {
            @Override
            public InputStream getBody() {
              return new ByteArrayInputStream(body);
            }

            @Override
            public HttpHeaders getHeaders() {
              return input.getHeaders();
            }
          };
      return super.read(type, checked, hints);
    }

    private static boolean utf8(MediaType mediaType) {
      return mediaType == null
          || mediaType.getCharset() == null
          || mediaType.getCharset().equals(StandardCharsets.UTF_8);
    }
  }
}
