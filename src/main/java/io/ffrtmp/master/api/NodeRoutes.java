package io.ffrtmp.master.api;

import io.ffrtmp.master.store.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.Optional;

/** {@code /api/v1/nodes}: list, get, drain and resume, through {@link NodeStore}. */
final class NodeRoutes {

  private final NodeStore nodes;

  NodeRoutes(NodeStore nodes) {
    this.nodes = nodes;
  }

  void mount(RouterBuilder b) {
    b.getRoute("listNodes")
        .addHandler(
            ctx ->
                Reply.with(
                    ctx, nodes.list().map(l -> new JsonObject().put("nodes", new JsonArray(l)))));
    b.getRoute("getNode").addHandler(ctx -> one(ctx, nodes.get(ctx.pathParam("node_id"))));
    b.getRoute("drainNode").addHandler(ctx -> one(ctx, nodes.drain(ctx.pathParam("node_id"))));
    b.getRoute("resumeNode").addHandler(ctx -> one(ctx, nodes.resume(ctx.pathParam("node_id"))));
  }

  private static void one(RoutingContext ctx, Future<Optional<JsonObject>> node) {
    Reply.with(
        ctx,
        node.map(
            n ->
                n.orElseThrow(
                    () -> ApiErrors.notFound("node_id", "no node " + ctx.pathParam("node_id")))));
  }
}
