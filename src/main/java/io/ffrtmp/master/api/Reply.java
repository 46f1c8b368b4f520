package io.ffrtmp.master.api;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Small helpers the route classes share: JSON replies, failures routed to {@link ApiErrors}, path
 * ids.
 */
final class Reply {

  private Reply() {}

  static void json(RoutingContext ctx, int status, Object body) {
    String text = body instanceof JsonObject j ? j.encode() : Json.encode(body);
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(text);
  }

  /** Replies 200 with what the future gives, or routes its failure to the failure handler. */
  static <T> void with(RoutingContext ctx, Future<T> f) {
    f.onSuccess(v -> json(ctx, 200, v)).onFailure(ctx::fail);
  }

  /** The path parameter as a UUID (the contract has checked its form already). */
  static UUID uuid(RoutingContext ctx, String name) {
    try {
      return UUID.fromString(ctx.pathParam(name));
    } catch (RuntimeException e) {
      throw ApiErrors.badRequest(name, "'" + ctx.pathParam(name) + "' is not a UUID");
    }
  }

  /** Who is acting, for the events table: the token's subject. */
  static String actor(RoutingContext ctx) {
    return "api:" + Tokens.subjectOf(TokenCheck.user(ctx));
  }
}
