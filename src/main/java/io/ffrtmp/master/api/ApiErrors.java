package io.ffrtmp.master.api;

import io.ffrtmp.job.ExactInt;
import io.ffrtmp.job.SchemaCheck;
import io.ffrtmp.job.SpecException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the API answers, as {@code {"error": {"code", "message", "field"}}}, and the mapping
 * of failures to it.
 */
public final class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
  private static final Pattern PARAMETER = Pattern.compile("parameter ([A-Za-z0-9_-]+)");
  private static final Pattern REQUIRED =
      Pattern.compile("required propert(?:y|ies) \\W*([A-Za-z0-9_]+)");

  private ApiErrors() {}

  /** A request the API refuses, with the field to blame (null when no single field is). */
  public static final class ApiException extends RuntimeException {
    final int status;
    final String code;
    final String field;

    public ApiException(int status, String code, String field, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
      this.field = field;
    }
  }

  public static ApiException notFound(String field, String message) {
    return new ApiException(404, "not_found", field, message);
  }

  public static ApiException conflict(String field, String message) {
    return new ApiException(409, "conflict", field, message);
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, "bad_request", field, message);
  }

  public static void send(
      RoutingContext ctx, int status, String code, String field, String message) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(
            new JsonObject()
                .put(
                    "error",
                    new JsonObject().put("code", code).put("message", message).put("field", field))
                .encode());
  }

  /** The router's failure handler: whatever failed, the client gets the JSON error above. */
  public static void handle(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t instanceof HttpException h && h.getCause() instanceof ValidatorException v) {
      t = v; // the contract's validation, wrapped by the router
    }
    if (t instanceof ApiException e) {
      send(ctx, e.status, e.code, e.field, e.getMessage());
    } else if (t instanceof SpecException e) {
      send(ctx, 400, "bad_request", e.field(), e.getMessage());
    } else if (t instanceof ValidatorException e) {
      SpecException s = fromValidator(ctx, e);
      send(ctx, 400, "bad_request", s.field(), s.getMessage());
    } else {
      int status = t instanceof HttpException h ? h.getStatusCode() : ctx.statusCode();
      if (status == 401) {
        send(
            ctx,
            401,
            "unauthorized",
            "Authorization",
            "a valid bearer token is required (POST /api/v1/tokens with an API key)");
      } else if (status == 403) {
        send(ctx, 403, "forbidden", null, "this token's role may not do that");
      } else if (status == 413) {
        send(
            ctx,
            413,
            "payload_too_large",
            "body",
            "the request body is larger than the server accepts");
      } else if (status == 404) {
        send(
            ctx,
            404,
            "not_found",
            null,
            "no such route: " + ctx.request().method() + " " + ctx.normalizedPath());
      } else if (status == 405) {
        send(
            ctx, 405, "method_not_allowed", null, ctx.request().method() + " is not accepted here");
      } else if (status >= 400 && status < 500) {
        send(ctx, status, "bad_request", null, t == null ? "bad request" : t.getMessage());
      } else {
        LOG.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), t);
        send(ctx, 500, "internal", null, "internal error; the server log has the details");
      }
    }
  }

  /** Names the field a validation failure is about: the parameter, or the body's JSON path. */
  static SpecException fromValidator(RoutingContext ctx, ValidatorException e) {
    Matcher m = PARAMETER.matcher(String.valueOf(e.getMessage()));
    if (m.find()) {
      String sent = parameter(ctx, m.group(1));
      return new SpecException(
          m.group(1),
          (sent == null ? "" : "'" + sent.replaceAll("\\p{Cntrl}", "?") + "' is refused: ")
              + e.getMessage());
    }
    // A job spec or campaign body: the project's own schema check gives the same field with a
    // friendlier message.
    // (The failure handler runs on its own route, so the operation is told by method and path.)
    boolean post = ctx.request().method() == HttpMethod.POST;
    String path = ctx.normalizedPath();
    JsonObject body = bodyObject(ctx);
    if (body != null && post) {
      try {
        if ("/api/v1/jobs".equals(path)) {
          SchemaCheck.JOB_SPEC.check(body);
        } else if ("/api/v1/campaigns".equals(path)) {
          SchemaCheck.CAMPAIGN.check(body);
        }
      } catch (SpecException s) {
        return s;
      }
    }
    if (e instanceof SchemaValidationException s && s.getOutputUnit() != null) {
      OutputUnit leaf = deepest(s.getOutputUnit());
      String field = SchemaCheck.toField(leaf.getInstanceLocation());
      String keyword = String.valueOf(leaf.getKeywordLocation());
      String message =
          keyword.endsWith("/pattern") || keyword.contains("/oneOf")
              ? "contains characters or a form that is not accepted; accepted: letters, digits,"
                  + " space and . _ , : + = @ - (and / in paths; no '..')"
              : quoted(SchemaCheck.valueAt(body, leaf.getInstanceLocation()))
                  + String.valueOf(leaf.getError());
      Matcher required = REQUIRED.matcher(String.valueOf(leaf.getError()));
      if (keyword.endsWith("/required") && required.find()) {
        return new SpecException(
            field.isEmpty() ? required.group(1) : field + "." + required.group(1), "required");
      }
      return new SpecException(field.isEmpty() ? "body" : field, message);
    }
    return new SpecException("body", String.valueOf(e.getMessage()));
  }

  /** A query or path parameter as the client sent it, for the refusal to quote. */
  private static String parameter(RoutingContext ctx, String name) {
    String q = ctx.queryParams().get(name);
    return q != null ? q : ctx.pathParam(name);
  }

  /** A number the schema refused, quoted as sent (4294967297, not what an int makes of it). */
  private static String quoted(Object value) {
    return value instanceof Number ? ExactInt.quote(value) + ": " : "";
  }

  private static JsonObject bodyObject(RoutingContext ctx) {
    try {
      return ctx.body() == null || ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static OutputUnit deepest(OutputUnit root) {
    List<OutputUnit> all = new ArrayList<>();
    collect(root, all);
    return all.stream()
        .filter(
            u ->
                u.getError() != null
                    && !String.valueOf(u.getKeywordLocation()).endsWith("/properties"))
        .max(
            Comparator.comparingInt(u -> String.valueOf(u.getInstanceLocation()).split("/").length))
        .orElse(root);
  }

  private static void collect(OutputUnit u, List<OutputUnit> out) {
    out.add(u);
    if (u.getErrors() != null) {
      u.getErrors().forEach(c -> collect(c, out));
    }
  }
}
