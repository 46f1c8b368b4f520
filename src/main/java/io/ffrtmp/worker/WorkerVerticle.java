package io.ffrtmp.worker;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.ClusterSetup;
import io.ffrtmp.cluster.Heartbeat;
import io.ffrtmp.cluster.HeartbeatReply;
import io.ffrtmp.cluster.NodeRegistration;
import io.ffrtmp.cluster.WorkRequest;
import io.ffrtmp.power.EnergyMeter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker: asks a master for work when it has a free slot (at start, on every wake-up, and on a
 * slow timer), runs the leased job through {@link JobRunner}, and reports start, progress and
 * result, each fenced by the lease's token. Up to {@code slots} jobs at once; a job that wants the
 * node to itself (the default) runs alone, and jobs that share it get their part of the node's
 * energy by CPU time (see {@link EnergyWindows}). Registration, heartbeats and the delivery of
 * results are classes of their own.
 */
public final class WorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  private static final DeliveryOptions MASTER_CALL = new DeliveryOptions().setSendTimeout(10_000);

  private final WorkerConfig config;
  private final MeterRegistry registry;
  private final String metricsAddress;
  private WorkerMeters meters;

  /** FFmpeg, the meter and the hardware, probed at start; read by scrapes, hence volatile. */
  private volatile WorkerNode node;

  /** Jobs running now, each with its own runner; at most {@code config.slots()}. */
  private RunningJobs running;

  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long pollTimer = -1;

  /** A work request is out: no other goes before every lease it brings holds its slot. */
  private boolean asking;

  private Registration registration;
  private Heartbeats heartbeats;

  /**
   * Starts on their way to a master; results go through {@link #results}, which spools them first.
   */
  private Reports reports;

  private ResultDelivery results;

  /** Thrown from start when another live process holds this node id. */
  public static final class NodeIdTakenException extends RuntimeException {
    NodeIdTakenException(String message) {
      super(message);
    }
  }

  public WorkerVerticle(WorkerConfig config) {
    this(config, null, null);
  }

  /**
   * {@code registry}: the node's, which gets the worker's meters ({@link WorkerMeters}); null for
   * none. {@code metricsAddress}: {@code host:port} of this node's {@code /metrics}, told to the
   * masters in the registration so their service discovery lists it; null when it serves none.
   */
  public WorkerVerticle(WorkerConfig config, MeterRegistry registry, String metricsAddress) {
    this.config = config;
    this.registry = registry;
    this.metricsAddress = metricsAddress;
  }

  @Override
  public Future<?> start() {
    reports = new Reports(vertx, config.nodeId(), MASTER_CALL);
    registration =
        new Registration(
            vertx,
            config.nodeId(),
            config.heartbeat(),
            MASTER_CALL,
            this::registrationBody,
            this::registered);
    heartbeats =
        new Heartbeats(
            vertx, config.heartbeat(), registration, this::heartbeatBody, this::heartbeatAnswered);
    return vertx
        .executeBlocking(() -> WorkerNode.probe(config))
        .compose(
            probed ->
                vertx
                    .executeBlocking(() -> new ResultSpool(config.spoolDir())) // counts what waits
                    .map(
                        spool -> {
                          node = probed;
                          results = new ResultDelivery(vertx, spool, reports);
                          return spool;
                        }))
        .compose(
            spool -> {
              meters = new WorkerMeters(registry, config.slots(), () -> running.count(), spool);
              running =
                  new RunningJobs(vertx, config, node, reports, results, meters, this::askForWork);
              consumers.add(
                  vertx
                      .eventBus()
                      .<JsonObject>consumer(Addresses.JOBS_AVAILABLE, m -> askForWork()));
              consumers.add(
                  vertx
                      .eventBus()
                      .<JsonObject>consumer(
                          Addresses.WORKER_CANCEL,
                          m -> {
                            if (m.body() != null) {
                              running.cancel(m.body());
                            }
                          }));
              consumers.add(
                  vertx
                      .eventBus()
                      .<JsonObject>consumer(Addresses.WORKER_IDLE_BASELINE, this::idleBaseline));
              pollTimer = vertx.setPeriodic(config.pollFallbackMs(), t -> askForWork());
              LOG.info(
                  "worker {} ready: energy {} ({}), FFmpeg {}",
                  config.nodeId(),
                  node.meter().provenance(),
                  node.describeSources(),
                  node.ffmpeg().version());
              return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
            })
        .compose(v -> registration.register())
        .onSuccess(
            v -> {
              heartbeats.start();
              askForWork();
            });
  }

  /** Built for every try: the power sources' state may have changed since the last. */
  private NodeRegistration registrationBody(UUID instanceId) {
    return new NodeRegistration(
        config.nodeId(),
        instanceId,
        node.hostName(),
        new JsonObject(new TreeMap<String, Object>(config.labels())),
        config.slots(),
        node.usableEncoders(),
        node.power(),
        node.snapshot(),
        ClusterSetup.memberId(vertx),
        metricsAddress);
  }

  /** After every registration a master took: what waits in the spool goes, and work may come. */
  private void registered() {
    results.flush();
    askForWork();
  }

  private Heartbeat heartbeatBody() {
    Double watts = running.currentWatts();
    return new Heartbeat(
        config.nodeId(),
        registration.instanceId(),
        running.heartbeatJobs(),
        freeSlots(),
        watts,
        watts == null ? null : node.meter().provenance());
  }

  /**
   * Stops the jobs whose leases went elsewhere; sends what waits in the spool; asks for work when
   * up.
   */
  private void heartbeatAnswered(HeartbeatReply reply) {
    running.revoked(reply.revoked());
    results.flush();
    askForWork();
  }

  private int freeSlots() {
    return running.exclusive() || registration.state() == Registration.State.DRAINING
        ? 0
        : config.slots() - running.count();
  }

  /** What this worker's node looks like (hardware, FFmpeg, power sources). */
  /** The node's always-on power meter; null until start has opened it. */
  public EnergyMeter meter() {
    WorkerNode n = node;
    return n == null ? null : n.meter();
  }

  public JsonObject node() {
    return node.snapshot();
  }

  private void askForWork() {
    if (asking
        || registration.state() != Registration.State.UP
        || running.count() >= config.slots()
        || running.exclusive()) {
      return;
    }
    asking = true;
    int free = config.slots() - running.count();
    // One request for every free slot: the master leases up to that many (an exclusive job alone).
    WorkRequest req =
        new WorkRequest(
            config.nodeId(),
            registration.instanceId(),
            free,
            running.count(),
            Math.min(free, Addresses.MAX_BATCH));
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.WORK_REQUEST, req.toJson(), MASTER_CALL)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                asking = false;
                LOG.debug("no master answered a work request: {}", ar.cause().getMessage());
                return;
              }
              JsonArray leases =
                  ar.result().body() == null ? null : ar.result().body().getJsonArray("leases");
              // Still "asking" while the leases are taken on, so no new request goes out before
              // every one holds its slot.
              try {
                for (int i = 0; leases != null && i < leases.size(); i++) {
                  running.take(leases.getJsonObject(i));
                }
              } finally {
                // A lease this worker cannot even read must not leave it never asking again.
                asking = false;
              }
              if (leases != null && !leases.isEmpty()) {
                askForWork();
              }
            });
  }

  private void idleBaseline(Message<JsonObject> msg) {
    if (running.count() > 0) {
      msg.fail(
          Addresses.CONFLICT,
          "a job is running on " + config.nodeId() + "; an idle baseline needs an idle node");
      return;
    }
    double seconds = msg.body() == null ? 5 : msg.body().getDouble("duration_s", 5.0);
    vertx
        .executeBlocking(
            () -> node.meter().measureIdle(Duration.ofMillis(Math.round(seconds * 1000))).toJson())
        .onSuccess(
            b -> {
              running.idleBaseline(b);
              msg.reply(new JsonObject().put("idle_baseline", b).put("node", node.snapshot()));
            })
        .onFailure(e -> msg.fail(Addresses.INTERNAL, "idle baseline failed: " + e.getMessage()));
  }

  @Override
  public Future<?> stop() {
    registration.stop();
    heartbeats.stop();
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    // Let the canceled jobs report their end before the bus goes away.
    Future<Void> jobs =
        running == null ? Future.succeededFuture() : running.stopAll("worker stopping");
    return jobs.compose(
        v ->
            Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
                .eventually(
                    () ->
                        vertx.executeBlocking(
                            () -> {
                              if (meters != null) {
                                meters.close();
                              }
                              if (node != null) {
                                node.meter().close();
                              }
                              return null;
                            })));
  }
}
