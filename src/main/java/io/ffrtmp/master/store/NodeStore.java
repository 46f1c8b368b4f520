package io.ffrtmp.master.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The nodes the masters know: registration (one live process per node id), heartbeats that renew the node's job
 * leases, drain, and the lost state. Node states: {@code up}, {@code draining}, {@code lost}.
 */
public final class NodeStore {

  /** A registration or heartbeat from a process that does not hold the node id. */
  public static final class NodeConflictException extends RuntimeException {
    public NodeConflictException(String message) {
      super(message);
    }
  }

  private final Pool pool;

  public NodeStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Records a node coming up. Refused when another process registered the same id and was seen within
   * {@code liveWindow}: two live processes never share an id. A node that was draining stays draining.
   */
  public Future<JsonObject> register(JsonObject reg, Duration liveWindow) {
    String id = reg.getString("node_id");
    UUID instance = UUID.fromString(reg.getString("instance_id"));
    Tuple t = Tuple.of(id, instance, reg.getString("host"), reg.getJsonObject("labels", new JsonObject()),
        reg.getInteger("slots", 1), reg.getJsonArray("encoders", new JsonArray()), reg.getJsonObject("power", new JsonObject()),
        reg.getJsonObject("hardware", new JsonObject()))
      .addString(reg.getString("cluster_node"))
      .addLong(liveWindow.toMillis());
    return pool.preparedQuery(NodeSql.REGISTER).execute(t).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(new NodeConflictException("node id " + id + " is held by another live process; "
          + "stop it, or give this one its own data directory"));
      }
      return Future.succeededFuture(node(rows.iterator().next()));
    });
  }

  /**
   * A heartbeat: marks the node seen, renews the leases of the jobs it says it runs (and holds), and answers which of
   * those it no longer holds, so the worker can stop them. Fails with {@link NodeConflictException} when the instance
   * is not the registered one.
   */
  public Future<JsonObject> heartbeat(String nodeId, UUID instance, JsonArray running, int freeSlots, Double watts,
                                      String wattsSource, Duration lease) {
    // running: [{"job_id", "fencing_token", "activity"}, ...]
    List<UUID> ids = new ArrayList<>();
    Long[] tokens = new Long[running.size()];
    Long[] activity = new Long[running.size()];
    for (int i = 0; i < running.size(); i++) {
      JsonObject j = running.getJsonObject(i);
      try {
        ids.add(UUID.fromString(j.getString("job_id")));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("running[" + i + "].job_id: '" + j.getValue("job_id") + "' is not a UUID");
      }
      tokens[i] = j.getLong("fencing_token");
      activity[i] = j.getLong("activity", 0L);
    }
    UUID[] jobIds = ids.toArray(UUID[]::new);
    return pool.withTransaction(conn -> conn.preparedQuery(NodeSql.HEARTBEAT)
        .execute(Tuple.of(nodeId, instance, running, freeSlots, watts, wattsSource))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new NodeConflictException("node " + nodeId + " is not registered to this process"));
          }
          String state = rows.iterator().next().getString("state");
          return conn.preparedQuery(NodeSql.RENEW_LEASES).execute(Tuple.of(nodeId, jobIds, tokens, lease.toMillis(), activity))
            .map(renewed -> {
              JsonArray held = new JsonArray();
              renewed.forEach(r -> held.add(r.getUUID("id").toString()));
              JsonArray revoked = new JsonArray();
              ids.stream().map(UUID::toString).filter(x -> !held.contains(x)).forEach(revoked::add);
              return new JsonObject().put("state", state).put("revoked", revoked);
            });
        }));
  }

  public Future<List<JsonObject>> list() {
    return pool.preparedQuery(NodeSql.LIST).execute().map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(node(r)));
      return out;
    });
  }

  public Future<Optional<JsonObject>> get(String nodeId) {
    return pool.preparedQuery(NodeSql.GET).execute(Tuple.of(nodeId))
      .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(node(rows.iterator().next())));
  }

  /** Drain: the node finishes what runs and takes nothing new. Empty when there is no such node. */
  public Future<Optional<JsonObject>> drain(String nodeId) {
    return setState(nodeId, "draining");
  }

  /** Undoes a drain. */
  public Future<Optional<JsonObject>> resume(String nodeId) {
    return setState(nodeId, "up");
  }

  private Future<Optional<JsonObject>> setState(String nodeId, String state) {
    return pool.preparedQuery(NodeSql.SET_STATE).execute(Tuple.of(nodeId, state))
      .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(node(rows.iterator().next())));
  }

  /** Nodes not seen for {@code missing}, or whose cluster member left, become lost; returns their ids. */
  public Future<List<String>> markLost(Duration missing, List<String> clusterMembers) {
    return pool.preparedQuery(NodeSql.MARK_LOST)
      .execute(Tuple.tuple().addLong(missing.toMillis())
        .addArrayOfString(clusterMembers == null ? null : clusterMembers.toArray(String[]::new)))
      .map(rows -> {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.getString("id")));
        return out;
      });
  }

  static JsonObject node(Row r) {
    return new JsonObject()
      .put("node_id", r.getString("id"))
      .put("state", r.getString("state"))
      .put("host", r.getString("host"))
      .put("labels", r.getValue("labels"))
      .put("slots", r.getInteger("slots"))
      .put("free_slots", r.getInteger("free_slots"))
      .put("encoders", r.getValue("encoders"))
      .put("power", r.getValue("power"))
      .put("hardware", r.getValue("hardware"))
      .put("running", r.getValue("running"))
      .put("watts", r.getDouble("watts"))
      .put("watts_source", r.getString("watts_source"))
      .put("registered_at", r.getOffsetDateTime("registered_at").toString())
      .put("last_seen", r.getOffsetDateTime("last_seen").toString())
      .put("seen_ago_ms", r.getLong("seen_ago_ms"));
  }
}
