package io.ffrtmp.master;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.BodyException;
import io.ffrtmp.cluster.Heartbeat;
import io.ffrtmp.cluster.NodeRegistration;
import io.ffrtmp.master.store.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node addresses: registrations and heartbeats of workers; list, get, drain and resume for
 * clients.
 */
final class NodeRequests {

  private static final Logger LOG = LoggerFactory.getLogger(NodeRequests.class);

  private final EventBus bus;
  private final NodeStore nodes;
  private final Duration lease;

  /** {@code lease}: how long a registration and a job lease live without a heartbeat. */
  NodeRequests(EventBus bus, NodeStore nodes, Duration lease) {
    this.bus = bus;
    this.nodes = nodes;
    this.lease = lease;
  }

  Future<JsonObject> register(JsonObject body) {
    return nodes
        .register(NodeRegistration.fromJson(body), lease)
        .map(
            n -> {
              LOG.info(
                  "node {} registered ({}, {} slot(s), state {})",
                  n.getString("node_id"),
                  n.getString("host"),
                  n.getInteger("slots"),
                  n.getString("state"));
              // A new node may run what others could not.
              bus.publish(Addresses.JOBS_AVAILABLE, new JsonObject());
              return n;
            });
  }

  Future<JsonObject> heartbeat(JsonObject body) {
    return nodes.heartbeat(Heartbeat.fromJson(body), lease);
  }

  Future<JsonObject> list(JsonObject body) {
    return nodes.list().map(l -> new JsonObject().put("nodes", new JsonArray(l)));
  }

  Future<JsonObject> get(JsonObject body) {
    return found(body, nodes::get);
  }

  Future<JsonObject> drain(JsonObject body) {
    return found(body, nodes::drain);
  }

  Future<JsonObject> resume(JsonObject body) {
    return found(body, nodes::resume)
        .map(
            n -> {
              bus.publish(Addresses.JOBS_AVAILABLE, new JsonObject());
              return n;
            });
  }

  private static Future<JsonObject> found(
      JsonObject body, Function<String, Future<Optional<JsonObject>>> op) {
    String id = body.getString("node_id");
    if (id == null) {
      throw new BodyException("node_id", "required");
    }
    return op.apply(id)
        .compose(
            n ->
                n.map(Future::succeededFuture)
                    .orElseGet(() -> Refusal.of(Addresses.NOT_FOUND, "node_id: no node " + id)));
  }
}
