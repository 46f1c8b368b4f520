package io.ffrtmp.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.vertx.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * The one reader of JSON that users write (API bodies, campaign and spec files): standard JSON
 * only. Vert.x's codec accepts comments and keeps the last of duplicate keys, so a text that two
 * readers could take differently ({@code "queue":"live","queue":"batch"}) is refused here first,
 * naming the duplicated key's path or where the comment is; only then does Vert.x decode it.
 */
public final class StrictJson {

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .disable(JsonReadFeature.ALLOW_YAML_COMMENTS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .disable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .disable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .build();

  private StrictJson() {}

  /**
   * The value of {@code text} as Vert.x decodes it (a JsonObject, JsonArray, ...), once it has been
   * found to be standard JSON with each key once per object; a {@link SpecException} otherwise, its
   * field the JSON path where the parse stopped ({@code ""} at the top).
   */
  public static Object parse(String text) {
    check(text.getBytes(StandardCharsets.UTF_8));
    return Json.decodeValue(text);
  }

  /** As {@link #parse(String)}, for a request body. */
  public static Object parse(byte[] json) {
    check(json);
    return Json.decodeValue(io.vertx.core.buffer.Buffer.buffer(json));
  }

  /** Refuses what {@link #parse} refuses, without decoding. */
  public static void check(byte[] json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      read(p);
    } catch (JsonProcessingException e) {
      throw syntax(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void read(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new SpecException("", "not valid JSON: empty; accepted: a JSON object");
    }
    Deque<Set<String>> keys = new ArrayDeque<>();
    while (t != null) {
      switch (t) {
        case START_OBJECT -> keys.push(new HashSet<>());
        case END_OBJECT -> keys.pop();
        case FIELD_NAME -> {
          String name = p.currentName();
          if (!keys.peek().add(name)) {
            throw new SpecException(
                field(p.getParsingContext()),
                "duplicate key '"
                    + printable(name)
                    + "'"
                    + at(p.currentTokenLocation())
                    + "; accepted: each key once per object");
          }
        }
        default -> {}
      }
      if (keys.isEmpty() && p.getParsingContext().inRoot()) {
        JsonToken after = p.nextToken();
        if (after != null) {
          throw new SpecException(
              "",
              "not valid JSON: more after the end of the value"
                  + at(p.currentTokenLocation())
                  + "; accepted: one JSON value");
        }
        return;
      }
      t = p.nextToken();
    }
  }

  /** A text that is not JSON is the whole body's fault; the message says where it stopped. */
  private static SpecException syntax(JsonProcessingException e) {
    String reason = String.valueOf(e.getOriginalMessage());
    String near = e.getProcessor() instanceof JsonParser p ? field(p.getParsingContext()) : "";
    String where = at(e.getLocation()) + (near.isEmpty() ? "" : " (after " + near + ")");
    // '/' and '#' start no JSON value: what follows is a Java or YAML comment that Vert.x skips.
    if (reason.contains("comment") || reason.contains("('/'") || reason.contains("('#'")) {
      return new SpecException(
          "",
          "not valid JSON: a comment" + where + "; accepted: standard JSON, which has no comments");
    }
    return new SpecException(
        "", "not valid JSON: " + reason.lines().findFirst().orElse(reason) + where);
  }

  /** The path of the key the parser stands on, as {@link SchemaCheck#toField} writes paths. */
  private static String field(JsonStreamContext ctx) {
    return ctx == null ? "" : SchemaCheck.toField(ctx.pathAsPointer().toString());
  }

  private static String at(JsonLocation where) {
    return where == null || where.getLineNr() < 0
        ? ""
        : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
  }

  private static String printable(String s) {
    return s.replaceAll("[\\x00-\\x1f\\x7f-\\x9f]", "?");
  }
}
