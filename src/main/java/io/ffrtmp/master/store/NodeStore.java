package io.ffrtmp.master.store;

import io.ffrtmp.cluster.Heartbeat;
import io.ffrtmp.cluster.HeartbeatReply;
import io.ffrtmp.cluster.NodeRegistration;
import io.ffrtmp.cluster.NodeState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The nodes the masters know: registration (one live process per node id), heartbeats that renew
 * the node's job leases, drain, and the lost state. Node states: {@code up}, {@code draining},
 * {@code lost}.
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
   * Records a node coming up. Refused when another process registered the same id and was seen
   * within {@code liveWindow}: two live processes never share an id. A node that was draining stays
   * draining.
   */
  public Future<JsonObject> register(NodeRegistration reg, Duration liveWindow) {
    Tuple t =
        Tuple.of(
                reg.nodeId(),
                reg.instanceId(),
                reg.host(),
                reg.labels(),
                reg.slots(),
                reg.encoders(),
                reg.power(),
                reg.hardware())
            .addString(reg.clusterNode())
            .addLong(liveWindow.toMillis())
            .addString(reg.metricsAddress());
    return pool.preparedQuery(NodeSql.REGISTER)
        .execute(t)
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(
                    new NodeConflictException(
                        "node id "
                            + reg.nodeId()
                            + " is held by another live "
                            + "process; stop it, or give this one its own data directory"));
              }
              return Future.succeededFuture(node(rows.iterator().next()));
            });
  }

  /** The same from a registration body as it travels ({@link NodeRegistration#fromJson}). */
  public Future<JsonObject> register(JsonObject reg, Duration liveWindow) {
    return register(NodeRegistration.fromJson(reg), liveWindow);
  }

  /**
   * A heartbeat: marks the node seen, renews the leases of the jobs it says it runs (and holds),
   * and answers which of those it no longer holds ({@link HeartbeatReply} JSON), so the worker can
   * stop them. Fails with {@link NodeConflictException} when the instance is not the registered
   * one.
   */
  public Future<JsonObject> heartbeat(Heartbeat hb, Duration lease) {
    List<Heartbeat.RunningJob> running = hb.running();
    UUID[] jobIds = running.stream().map(j -> j.fence().jobId()).toArray(UUID[]::new);
    Long[] tokens = running.stream().map(j -> j.fence().token()).toArray(Long[]::new);
    Long[] activity = running.stream().map(Heartbeat.RunningJob::activity).toArray(Long[]::new);
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(NodeSql.HEARTBEAT)
                .execute(
                    Tuple.of(
                        hb.nodeId(),
                        hb.instanceId(),
                        Heartbeat.runningJson(running),
                        hb.freeSlots(),
                        hb.watts(),
                        hb.wattsSource()))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.failedFuture(
                            new NodeConflictException(
                                "node " + hb.nodeId() + " is not registered to this process"));
                      }
                      NodeState state = NodeState.of(rows.iterator().next().getString("state"));
                      return conn.preparedQuery(NodeSql.RENEW_LEASES)
                          .execute(
                              Tuple.of(hb.nodeId(), jobIds, tokens, lease.toMillis(), activity))
                          .map(
                              renewed -> {
                                Set<UUID> held = new HashSet<>();
                                renewed.forEach(r -> held.add(r.getUUID("id")));
                                List<UUID> revoked =
                                    Arrays.stream(jobIds).filter(id -> !held.contains(id)).toList();
                                return new HeartbeatReply(state, revoked).toJson();
                              });
                    }));
  }

  /**
   * The same from loose parts; {@code running} as on the wire ({@link Heartbeat#runningFromJson}).
   */
  public Future<JsonObject> heartbeat(
      String nodeId,
      UUID instance,
      JsonArray running,
      int freeSlots,
      Double watts,
      String wattsSource,
      Duration lease) {
    return heartbeat(
        new Heartbeat(
            nodeId, instance, Heartbeat.runningFromJson(running), freeSlots, watts, wattsSource),
        lease);
  }

  /** Every node with its {@code energy_today}: two queries, whatever the number of nodes. */
  public Future<List<JsonObject>> list() {
    return pool.preparedQuery(NodeSql.LIST)
        .execute()
        .map(
            rows -> {
              List<JsonObject> out = new ArrayList<>();
              rows.forEach(r -> out.add(node(r)));
              return out;
            })
        .compose(nodes -> withEnergyToday(nodes, true));
  }

  /**
   * Adds {@code energy_today} to each node: what the jobs that finished there since midnight UTC
   * measured or estimated, summed ({@code joules}, {@code jobs}, {@code provenance} measured,
   * estimated or mixed), or null when none did. One query for all the nodes given; {@code
   * everyNode}: they are the whole listing, whose sums the next listings may read.
   */
  private Future<List<JsonObject>> withEnergyToday(List<JsonObject> nodes, boolean everyNode) {
    if (nodes.isEmpty()) {
      return Future.succeededFuture(nodes);
    }
    EnergyToday cached = energyToday;
    if (cached != null && System.nanoTime() - cached.atNanos() < ENERGY_TODAY_TTL_NANOS) {
      nodes.forEach(
          n -> {
            JsonObject e = cached.byNode().get(n.getString("node_id"));
            n.put("energy_today", e == null ? null : e.copy());
          });
      return Future.succeededFuture(nodes);
    }
    String[] ids = nodes.stream().map(n -> n.getString("node_id")).toArray(String[]::new);
    long at = System.nanoTime();
    return pool.preparedQuery(NodeSql.ENERGY_TODAY)
        .execute(Tuple.of(ids))
        .map(
            rows -> {
              Map<String, JsonObject> byNode = new HashMap<>();
              for (Row r : rows) {
                String provenance =
                    Boolean.TRUE.equals(r.getBoolean("all_measured"))
                        ? "measured"
                        : Boolean.TRUE.equals(r.getBoolean("all_estimated"))
                            ? "estimated"
                            : "mixed";
                byNode.put(
                    r.getString("node_id"),
                    new JsonObject()
                        .put("joules", Math.round(r.getDouble("joules") * 1000) / 1000.0)
                        .put("jobs", r.getLong("jobs"))
                        .put("provenance", provenance));
              }
              nodes.forEach(n -> n.put("energy_today", byNode.get(n.getString("node_id"))));
              if (everyNode) {
                // What the next listings (and single nodes) answer from for a while.
                energyToday = new EnergyToday(at, Map.copyOf(byNode));
              }
              return nodes;
            });
  }

  /**
   * A day's sum changes only when a job finishes: the fleet view's listing (every few seconds, per
   * open page) reads it from here for {@link #ENERGY_TODAY_TTL_NANOS} rather than summing every
   * result of the day again (docs/performance.md#web-ui).
   */
  private record EnergyToday(long atNanos, Map<String, JsonObject> byNode) {}

  static final long ENERGY_TODAY_TTL_NANOS = 10_000_000_000L;

  private volatile EnergyToday energyToday;

  private Future<Optional<JsonObject>> withEnergyToday(Optional<JsonObject> node) {
    return node.isEmpty()
        ? Future.succeededFuture(node)
        : withEnergyToday(List.of(node.get()), false).map(l -> node);
  }

  /** A node as service discovery and the node gauges see it. */
  public record Target(String nodeId, NodeState state, JsonObject labels, String metricsAddress) {}

  /** Every node's state, labels and metrics endpoint: one query. */
  public Future<List<Target>> targets() {
    return pool.preparedQuery(NodeSql.TARGETS)
        .execute()
        .map(
            rows -> {
              List<Target> out = new ArrayList<>(rows.size());
              for (Row r : rows) {
                Object labels = r.getValue("labels");
                out.add(
                    new Target(
                        r.getString("id"),
                        NodeState.of(r.getString("state")),
                        labels instanceof JsonObject o ? o : new JsonObject(),
                        r.getString("metrics_address")));
              }
              return out;
            });
  }

  public Future<Optional<JsonObject>> get(String nodeId) {
    return pool.preparedQuery(NodeSql.GET)
        .execute(Tuple.of(nodeId))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.<JsonObject>empty()
                    : Optional.of(node(rows.iterator().next())))
        .compose(this::withEnergyToday);
  }

  /** Drain: the node finishes what runs and takes nothing new. Empty when there is no such node. */
  public Future<Optional<JsonObject>> drain(String nodeId) {
    return setState(nodeId, NodeState.DRAINING);
  }

  /** Undoes a drain. */
  public Future<Optional<JsonObject>> resume(String nodeId) {
    return setState(nodeId, NodeState.UP);
  }

  private Future<Optional<JsonObject>> setState(String nodeId, NodeState state) {
    return pool.preparedQuery(NodeSql.SET_STATE)
        .execute(Tuple.of(nodeId, state.id()))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.<JsonObject>empty()
                    : Optional.of(node(rows.iterator().next())))
        .compose(this::withEnergyToday);
  }

  /**
   * Nodes not seen for {@code missing}, or whose cluster member left, become lost; returns their
   * ids.
   */
  public Future<List<String>> markLost(Duration missing, List<String> clusterMembers) {
    return pool.preparedQuery(NodeSql.MARK_LOST)
        .execute(
            Tuple.tuple()
                .addLong(missing.toMillis())
                .addArrayOfString(
                    clusterMembers == null ? null : clusterMembers.toArray(String[]::new)))
        .map(
            rows -> {
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
