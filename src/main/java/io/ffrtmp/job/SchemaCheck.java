package io.ffrtmp.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Structural validation (types, unknown fields, enums) against the JSON schemas in {@code /schema},
 * turned into a {@link SpecException} that names the field. Semantic checks (ranges, encoder
 * presets) follow in the parsers.
 */
public final class SchemaCheck {

  public static final SchemaCheck JOB_SPEC = new SchemaCheck("/schema/job-spec.json");
  public static final SchemaCheck CAMPAIGN = new SchemaCheck("/schema/campaign.json");

  private final Validator validator;
  private final JsonObject schema;

  private SchemaCheck(String resource) {
    this.schema = new JsonObject(read(resource));
    // JsonSchema.of marks the object it is given with internal "__absolute_uri__" keys: give it a
    // copy, so that
    // schema() (which the OpenAPI document embeds and serves) stays the file as written.
    this.validator =
        Validator.create(
            JsonSchema.of(schema.copy()),
            new JsonSchemaOptions()
                .setDraft(Draft.DRAFT202012)
                .setBaseUri("https://ffrtmp.io/")
                .setOutputFormat(OutputFormat.Basic));
  }

  public JsonObject schema() {
    return schema.copy();
  }

  public void check(JsonObject json) {
    refuseControlCharacters(json, "");
    OutputUnit out = validator.validate(json);
    if (Boolean.TRUE.equals(out.getValid())) {
      return;
    }
    List<OutputUnit> errors = out.getErrors() == null ? List.of() : out.getErrors();
    // The validator reports every enclosing "properties"/"additionalProperties" too; the useful
    // error is the deepest
    // leaf keyword (type, enum, ...) or, failing that, the property that really is unknown.
    Optional<OutputUnit> leaf =
        errors.stream()
            .filter(e -> !isStructural(e.getKeywordLocation()))
            .max(Comparator.comparingInt(e -> depth(e.getInstanceLocation())));
    if (leaf.isPresent()) {
      String field = toField(leaf.get().getInstanceLocation());
      throw new SpecException(field, describe(leaf.get(), json));
    }
    Optional<OutputUnit> unknown =
        errors.stream()
            .filter(e -> String.valueOf(e.getKeywordLocation()).endsWith("/additionalProperties"))
            .filter(this::reallyUnknown)
            .max(Comparator.comparingInt(e -> depth(e.getInstanceLocation())));
    if (unknown.isPresent()) {
      OutputUnit e = unknown.get();
      String field = toField(e.getInstanceLocation());
      JsonObject props = propertiesAt(e.getKeywordLocation());
      String parent = field.contains(".") ? field.substring(0, field.lastIndexOf('.')) : "";
      String name = field.contains(".") ? field.substring(field.lastIndexOf('.') + 1) : field;
      throw new SpecException(
          field,
          "unknown field '"
              + name
              + "'"
              + (parent.isEmpty() ? "" : " in " + parent)
              + (props == null ? "" : "; accepted: " + String.join(", ", props.fieldNames())));
    }
    OutputUnit first = errors.isEmpty() ? out : errors.get(0);
    throw new SpecException(toField(first.getInstanceLocation()), String.valueOf(first.getError()));
  }

  /**
   * No text of a spec or campaign (names, descriptions, labels, paths, keys...) may hold a control
   * character: a NUL reaches PostgreSQL as an error, and the rest garble logs and terminals.
   */
  private static void refuseControlCharacters(Object node, String at) {
    if (node instanceof JsonObject o) {
      for (String key : o.fieldNames()) {
        String field = at.isEmpty() ? key : at + "." + key;
        int c = firstControl(key);
        if (c >= 0) {
          throw new SpecException(printable(field), "the key " + controlRefusal(c));
        }
        refuseControlCharacters(o.getValue(key), field);
      }
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        refuseControlCharacters(a.getValue(i), at + "[" + i + "]");
      }
    } else if (node instanceof String text) {
      int c = firstControl(text);
      if (c >= 0 && (at.equals("input.path") || at.endsWith(".input.path"))) {
        // The message the path's own check gives, which names what a path may be.
        throw new SpecException(
            at,
            "'"
                + printable(text)
                + "' is not accepted (control character U+"
                + String.format("%04X", c)
                + "); accepted: "
                + InputParser.PATH_ACCEPTED);
      }
      if (c >= 0) {
        throw new SpecException(at, controlRefusal(c));
      }
    }
  }

  private static String controlRefusal(int c) {
    return String.format(
        "contains a control character (U+%04X); accepted: text without control characters"
            + " (U+0000 to U+001F, U+007F to U+009F)",
        c);
  }

  /** The first C0, DEL or C1 control character of {@code s}, or -1. */
  static int firstControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        return c;
      }
    }
    return -1;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.chars().forEach(c -> b.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) ? '?' : (char) c));
    return b.toString();
  }

  private static boolean isStructural(String keywordLocation) {
    String k = String.valueOf(keywordLocation);
    return k.endsWith("/properties")
        || k.endsWith("/additionalProperties")
        // "items did not match": the item's own error says which field and why
        || k.endsWith("/items")
        || k.equals("#")
        || k.isEmpty();
  }

  private boolean reallyUnknown(OutputUnit e) {
    String inst = String.valueOf(e.getInstanceLocation());
    String name = inst.substring(inst.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
    JsonObject props = propertiesAt(e.getKeywordLocation());
    return props == null || !props.containsKey(name);
  }

  private String describe(OutputUnit e, JsonObject json) {
    String keyword = String.valueOf(e.getKeywordLocation());
    String msg = e.getError() == null ? "is invalid" : e.getError();
    if (keyword.endsWith("/enum")) {
      JsonObject node = nodeAt(keyword.substring(0, keyword.length() - "/enum".length()));
      return node == null
          ? msg
          : "value is not accepted; accepted: "
              + String.join(", ", node.getJsonArray("enum").stream().map(String::valueOf).toList());
    }
    if (keyword.endsWith("/type")) {
      JsonObject node = nodeAt(keyword.substring(0, keyword.length() - "/type".length()));
      Object type = node == null ? null : node.getValue("type");
      String expected =
          type instanceof JsonArray a
              ? String.join(" or ", a.stream().map(String::valueOf).toList())
              : String.valueOf(type);
      // A number of the wrong kind (23.5 for an integer) is quoted, as the range checks do.
      Object value = valueAt(json, e.getInstanceLocation());
      return (value instanceof Number ? ExactInt.quote(value) + " " : "")
          + "has the wrong type; accepted: "
          + (expected.startsWith("a") || expected.startsWith("i") ? "an " : "a ")
          + expected;
    }
    return msg;
  }

  /**
   * Finds the "properties" object next to an additionalProperties keyword, to list what is
   * accepted.
   */
  private JsonObject propertiesAt(String keywordLocation) {
    JsonObject node = nodeAt(keywordLocation.substring(0, keywordLocation.lastIndexOf('/')));
    return node == null ? null : node.getJsonObject("properties");
  }

  private JsonObject nodeAt(String pointer) {
    Object node = schema;
    for (String part : pointer.split("/")) {
      if (part.isEmpty() || part.equals("#")) {
        continue;
      }
      if (!(node instanceof JsonObject o)) {
        return null;
      }
      node = o.getValue(part.replace("~1", "/").replace("~0", "~"));
    }
    return node instanceof JsonObject o ? o : null;
  }

  /** The value of the instance at a JSON pointer ("/video/crf"), null when there is none. */
  public static Object valueAt(Object root, String pointer) {
    Object node = root;
    for (String part : String.valueOf(pointer).replaceFirst("^#", "").split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      String key = part.replace("~1", "/").replace("~0", "~");
      if (node instanceof JsonObject o) {
        node = o.getValue(key);
      } else if (node instanceof JsonArray a
          && key.length() < 10
          && key.chars().allMatch(Character::isDigit)) {
        int i = Integer.parseInt(key);
        node = i < a.size() ? a.getValue(i) : null;
      } else {
        return null;
      }
    }
    return node;
  }

  private static int depth(String instanceLocation) {
    return instanceLocation == null ? 0 : instanceLocation.split("/").length;
  }

  /** "/video/crf" or "#/video/crf" → "video.crf"; array indexes become [n]. */
  public static String toField(String instanceLocation) {
    if (instanceLocation == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (String part : instanceLocation.replaceFirst("^#", "").split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (part.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(part).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(part.replace("~1", "/").replace("~0", "~"));
      }
    }
    return sb.toString();
  }

  private static String read(String resource) {
    try (InputStream in = SchemaCheck.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema missing from the jar: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
