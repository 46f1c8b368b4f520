package io.ffrtmp.master.api;

import io.ffrtmp.job.SchemaCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The OpenAPI 3.1 document of {@code /api/v1}: {@code /openapi/api-v1.json} with the job-spec and
 * campaign schemas of {@code /schema} put in (one source for both), tightened for text that arrives
 * over the network. The same document validates requests and is served at {@code
 * /api/v1/openapi.json}.
 */
public final class ApiContract {

  /**
   * Free text over the API: letters, digits and a few harmless marks; no shell or path
   * metacharacters.
   */
  public static final String SAFE_TEXT = "^[\\p{L}\\p{N} ._,:+=@-]{0,200}$";

  /** A relative media path: the characters above plus '/', and no leading '/'. */
  public static final String SAFE_PATH = "^[\\p{L}\\p{N}._,+=@-][\\p{L}\\p{N} ._,+=@/-]{0,1023}$";

  private static final String WORD = "^[A-Za-z0-9._-]{1,40}$";
  private static final String BITRATE = "^[0-9]{1,9}(\\.[0-9]{1,3})?[kKmM]?$";

  private ApiContract() {}

  public static JsonObject document() {
    JsonObject doc = new JsonObject(read("/openapi/api-v1.json"));
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    schemas.put("JobSpec", tighten(withoutIds(SchemaCheck.JOB_SPEC.schema())));
    schemas.put("Campaign", withoutIds(SchemaCheck.CAMPAIGN.schema()));
    return doc;
  }

  /**
   * The contract the router builder mounts: the document less the routes served by hand ({@code
   * x-ffrtmp-by-hand}: the probes and this document), which the builder would otherwise claim.
   */
  public static Future<OpenAPIContract> load(Vertx vertx, JsonObject document) {
    JsonObject routed = validatable(document);
    JsonObject paths = routed.getJsonObject("paths");
    for (String path : List.copyOf(paths.fieldNames())) {
      JsonObject get = paths.getJsonObject(path).getJsonObject("get");
      if (get != null && Boolean.TRUE.equals(get.getBoolean("x-ffrtmp-by-hand"))) {
        paths.remove(path);
      }
    }
    return OpenAPIContract.from(vertx, routed);
  }

  /**
   * A copy of the document that vertx-openapi accepts: answers in media types it cannot parse (the
   * report's CSV and HTML, event streams) keep their status code there but lose their content,
   * which the served document still names.
   */
  public static JsonObject validatable(JsonObject document) {
    JsonObject copy = document.copy();
    JsonObject paths = copy.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject ops = paths.getJsonObject(path);
      for (String method : ops.fieldNames()) {
        JsonObject responses = ops.getJsonObject(method).getJsonObject("responses");
        for (String status : responses.fieldNames()) {
          JsonObject content = responses.getJsonObject(status).getJsonObject("content");
          if (content == null) {
            continue;
          }
          List.copyOf(content.fieldNames()).stream()
              .filter(type -> !MediaType.isMediaTypeSupported(type))
              .forEach(content::remove);
          if (content.isEmpty()) {
            responses.getJsonObject(status).remove("content");
          }
        }
      }
    }
    return copy;
  }

  private static JsonObject withoutIds(JsonObject schema) {
    schema.remove("$schema");
    schema.remove("$id");
    return schema;
  }

  /**
   * Patterns on every free-text field, so shell metacharacters and path tricks stop at the door,
   * naming the field.
   */
  private static JsonObject tighten(JsonObject spec) {
    JsonObject p = spec.getJsonObject("properties");
    p.getJsonObject("name").put("pattern", SAFE_TEXT);
    p.getJsonObject("scenario").put("pattern", WORD);
    JsonObject in = p.getJsonObject("input").getJsonObject("properties");
    in.getJsonObject("path").put("pattern", SAFE_PATH);
    in.getJsonObject("resolution").put("pattern", WORD);
    JsonObject v = p.getJsonObject("video").getJsonObject("properties");
    for (String f : new String[] {"codec", "encoder", "resolution"}) {
      v.getJsonObject(f).put("pattern", WORD);
    }
    v.put(
        "preset",
        new JsonObject()
            .put(
                "oneOf",
                new JsonArray()
                    .add(new JsonObject().put("type", "string").put("pattern", WORD))
                    .add(new JsonObject().put("type", "integer"))));
    for (String f : new String[] {"bitrate", "max_bitrate"}) {
      v.put(
          f,
          new JsonObject()
              .put(
                  "oneOf",
                  new JsonArray()
                      .add(new JsonObject().put("type", "string").put("pattern", BITRATE))
                      .add(new JsonObject().put("type", "number"))));
    }
    return spec;
  }

  private static String read(String resource) {
    try (InputStream in = ApiContract.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing from the jar: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
