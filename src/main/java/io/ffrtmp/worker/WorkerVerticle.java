package io.ffrtmp.worker;

import io.ffrtmp.worker.engine.EncoderProbe;
import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.job.Encoder;
import io.ffrtmp.job.JobState;
import io.ffrtmp.job.SpecException;
import io.ffrtmp.job.JobLease;
import io.ffrtmp.worker.engine.EncoderCheck;
import io.ffrtmp.hardware.HardwareProbe;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.SourceStatus;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker: asks a master for work when it has a free slot (at start, on every wake-up, and on a slow timer),
 * runs the leased job through {@link JobRunner}, and reports start, progress and result, each fenced by the lease's token.
 * Up to {@code slots} jobs at once; a job that wants the node to itself (the default) runs alone, and jobs that share
 * it get their part of the node's energy by CPU time (see {@link EnergyWindows}).
 */
public final class WorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  private static final DeliveryOptions MASTER_CALL = new DeliveryOptions().setSendTimeout(10_000);

  private final WorkerConfig config;
  private EnergyMeter meter;
  private FfmpegInfo ffmpeg;
  private JsonObject node;
  /** Jobs running now, by job id, each with its own runner; at most {@code config.slots()}. */
  private final Map<UUID, Running> running = new LinkedHashMap<>();
  private final EnergyWindows windows = new EnergyWindows();
  private Set<Encoder> workingHardware = Set.of();
  private boolean asking;
  private boolean stopping;
  private long pollTimer = -1;
  private JsonObject idleBaseline;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** This process: a node id is held by one live instance at a time. */
  private final UUID instanceId = UUID.randomUUID();
  private ResultSpool spool;
  /** Starts and results on their way to a master, several to a request when they come together. */
  private Reports reports;
  private JsonArray usableEncoders = new JsonArray();
  private boolean registered;
  private boolean registering;
  /** up or draining, as the master last said. */
  private String nodeState = "up";
  private long heartbeatTimer = -1;
  private boolean flushing;
  private boolean masterMissing;

  private record Running(JobLease lease, JobRunner runner, boolean exclusive, Promise<Void> done) {
  }

  /** Thrown from start when another live process holds this node id. */
  public static final class NodeIdTakenException extends RuntimeException {
    NodeIdTakenException(String message) {
      super(message);
    }
  }

  public WorkerVerticle(WorkerConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    reports = new Reports(vertx, config.nodeId(), MASTER_CALL);
    return vertx.executeBlocking(() -> {
      ffmpeg = FfmpegInfo.probe(config.ffmpeg());
      meter = EnergyMeter.open(config.power());
      JsonArray sources = new JsonArray();
      meter.sources().stream().map(SourceStatus::toJson).forEach(sources::add);
      node = NodeSnapshot.capture(ffmpeg, sources).put("node_id", config.nodeId());
      // Distribution builds list hardware encoders whether or not the hardware exists: a one-frame probe says which
      // work, so that "encoder: auto" can use them.
      List<Encoder> hardware = Arrays.stream(Encoder.values())
        .filter(e -> e.hardware() != Encoder.Hardware.NONE && ffmpeg.has(e)).toList();
      List<EncoderCheck> checks = EncoderProbe.encoders(ffmpeg, hardware);
      workingHardware = checks.stream().filter(EncoderCheck::works).map(EncoderCheck::encoder)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
      node.put("hardware_encoders", new JsonArray(checks.stream().map(EncoderCheck::toJson).toList()));
      // What this node can run: the software encoders of this build and the hardware ones that passed the probe.
      Arrays.stream(Encoder.values())
        .filter(e -> e.hardware() == Encoder.Hardware.NONE ? ffmpeg.has(e) : workingHardware.contains(e))
        .forEach(e -> usableEncoders.add(e.ffmpegName()));
      spool = new ResultSpool(config.spoolDir());
      if (!meter.gpus().isEmpty()) {
        // NVML's view (name, UUID, clocks, memory) beside the probe's device list.
        node.put("nvml_gpus", new JsonArray(meter.gpus().stream().map(g -> g.toJson()).toList()));
      }
      return null;
    }).compose(v -> {
      consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.JOBS_AVAILABLE, m -> askForWork()));
      consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.WORKER_CANCEL, this::cancel));
      consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.WORKER_IDLE_BASELINE, this::idleBaseline));
      pollTimer = vertx.setPeriodic(config.pollFallbackMs(), t -> askForWork());
      LOG.info("worker {} ready: energy {} ({}), FFmpeg {}", config.nodeId(), meter.provenance(),
        describeSources(), ffmpeg.version());
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    }).compose(v -> register(System.nanoTime()))
      .onSuccess(v -> {
        heartbeatTimer = vertx.setPeriodic(config.heartbeat().toMillis(), t -> heartbeat());
        askForWork();
      });
  }

  /**
   * Registers with a master, trying again while none answers. A master that says another live process holds this
   * node id gets asked again until that process's lease would have run out; then start fails with the reason.
   */
  private Future<Void> register(long sinceNs) {
    registering = true;
    JsonObject reg = new JsonObject().put("node_id", config.nodeId()).put("instance_id", instanceId.toString())
      .put("host", node.getJsonObject("host", new JsonObject()).getString("hostname", hostName()))
      .put("labels", new JsonObject(new java.util.TreeMap<String, Object>(config.labels())))
      .put("slots", config.slots())
      .put("encoders", usableEncoders)
      .put("power", new JsonObject().put("provenance", meter.provenance()).put("source", meter.source())
        .put("zones", new JsonArray(meter.zones()))
        .put("sources", new JsonArray(meter.sources().stream().map(SourceStatus::toJson).toList())))
      .put("hardware", node)
      .put("cluster_node", io.ffrtmp.cluster.ClusterSetup.memberId(vertx));
    return vertx.eventBus().<JsonObject>request(Addresses.NODE_REGISTER, reg, MASTER_CALL)
      .compose(reply -> {
        registering = false;
        registered = true;
        masterMissing = false;
        nodeState = reply.body().getString("state", "up");
        LOG.info("worker {} registered with a master (state {})", config.nodeId(), nodeState);
        flushSpool();
        return Future.<Void>succeededFuture();
      }, err -> {
        if (stopping) {
          return Future.failedFuture(err);
        }
        boolean conflict = err instanceof io.vertx.core.eventbus.ReplyException r && r.failureCode() == Addresses.CONFLICT;
        long waitedMs = (System.nanoTime() - sinceNs) / 1_000_000;
        // A crashed predecessor's registration expires after a lease (five heartbeats by default); a live one never does.
        if (conflict && waitedMs > 10 * config.heartbeat().toMillis() + 5000) {
          registering = false;
          return Future.failedFuture(new NodeIdTakenException(err.getMessage()));
        }
        if (!conflict && !masterMissing) {
          masterMissing = true;
          LOG.warn("worker {}: no master answers yet ({}); trying again every second", config.nodeId(), err.getMessage());
        } else if (conflict && waitedMs < 1500) {
          LOG.warn("worker {}: {}; waiting for that registration to expire", config.nodeId(), err.getMessage());
        }
        Promise<Void> again = Promise.promise();
        vertx.setTimer(1000, t -> register(sinceNs).onComplete(again));
        return again.future();
      });
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** Renews this node's leases and learns whether it is draining and which jobs it no longer holds. */
  private void heartbeat() {
    if (!registered || stopping) {
      return;
    }
    JsonArray jobs = new JsonArray();
    Double watts = null;
    for (Running r : running.values()) {
      jobs.add(new JsonObject().put("job_id", r.lease().jobId().toString()).put("fencing_token", r.lease().fencingToken())
        .put("activity", r.runner().activity()));
      watts = watts != null ? watts : r.runner().currentWatts();
    }
    JsonObject hb = new JsonObject().put("node_id", config.nodeId()).put("instance_id", instanceId.toString())
      .put("running", jobs).put("free_slots", freeSlots()).put("watts", watts)
      .put("watts_source", watts == null ? null : meter.provenance());
    vertx.eventBus().<JsonObject>request(Addresses.NODE_HEARTBEAT, hb, new DeliveryOptions()
        .setSendTimeout(Math.max(1000, config.heartbeat().toMillis())))
      .onSuccess(reply -> {
        if (masterMissing) {
          LOG.info("worker {}: a master answers again", config.nodeId());
          masterMissing = false;
        }
        String was = nodeState;
        nodeState = reply.body().getString("state", "up");
        if (!was.equals(nodeState)) {
          LOG.info("worker {} is now {}", config.nodeId(), nodeState);
        }
        for (Object id : reply.body().getJsonArray("revoked", new JsonArray())) {
          Running r = running.get(UUID.fromString(String.valueOf(id)));
          if (r != null) {
            LOG.warn("job {}: the master no longer holds this node's lease; stopping it", id);
            r.runner().cancel("lease lost: the job was given to another node");
          }
        }
        flushSpool();
        if ("up".equals(nodeState)) {
          askForWork();
        }
      })
      .onFailure(err -> {
        if (err instanceof io.vertx.core.eventbus.ReplyException r && r.failureCode() == Addresses.CONFLICT) {
          // The master lost track of this process (it was declared lost and its id taken or reset): register again.
          if (!registering) {
            registered = false;
            LOG.warn("worker {}: {}; registering again", config.nodeId(), err.getMessage());
            register(System.nanoTime()).onFailure(e -> LOG.error("worker {}: {}", config.nodeId(), e.getMessage()));
          }
        } else if (!masterMissing) {
          masterMissing = true;
          LOG.warn("worker {}: heartbeat unanswered ({}); jobs keep running and results are spooled", config.nodeId(),
            err.getMessage());
        }
      });
  }

  private int freeSlots() {
    boolean exclusiveRuns = running.values().stream().anyMatch(Running::exclusive);
    return exclusiveRuns || "draining".equals(nodeState) ? 0 : config.slots() - running.size();
  }

  /** Sends spooled results, oldest first; each leaves the spool once a master took it or refused it for good. */
  private void flushSpool() {
    if (flushing || spool == null) {
      return;
    }
    flushing = true;
    vertx.executeBlocking(spool::all, false)
      // All at once: they travel together in as few requests as the batch limit allows; each leaves the spool by itself.
      .compose(bodies -> Future.join(bodies.stream().map(this::deliver).toList()))
      .onComplete(ar -> flushing = false);
  }

  /** What this worker's node looks like (hardware, FFmpeg, power sources). */
  public JsonObject node() {
    return node;
  }

  private String describeSources() {
    return meter.sources().stream()
      .map(s -> s.name() + (s.usable() ? "" : " unusable: " + s.detail()))
      .reduce((a, b) -> a + "; " + b).orElse("none");
  }

  private void askForWork() {
    if (asking || stopping || !registered || !"up".equals(nodeState) || running.size() >= config.slots()
      || running.values().stream().anyMatch(Running::exclusive)) {
      return;
    }
    asking = true;
    int free = config.slots() - running.size();
    // One request for every free slot: the master leases up to that many (an exclusive job alone).
    JsonObject req = new JsonObject().put("node_id", config.nodeId()).put("instance_id", instanceId.toString())
      .put("free_slots", free).put("running", running.size()).put("max_jobs", Math.min(free, Addresses.MAX_BATCH));
    vertx.eventBus().<JsonObject>request(Addresses.WORK_REQUEST, req, MASTER_CALL)
      .onComplete(ar -> {
        if (ar.failed()) {
          asking = false;
          LOG.debug("no master answered a work request: {}", ar.cause().getMessage());
          return;
        }
        JsonArray leases = ar.result().body() == null ? null : ar.result().body().getJsonArray("leases");
        // Still "asking" while the leases are taken on, so no new request goes out before every one holds its slot.
        for (int i = 0; leases != null && i < leases.size(); i++) {
          takeLease(leases.getJsonObject(i));
        }
        asking = false;
        if (leases != null && !leases.isEmpty()) {
          askForWork();
        }
      });
  }

  /** Runs a lease, or, when its spec is one this worker cannot run, reports the attempt failed for good. */
  private void takeLease(JsonObject body) {
    JobLease lease;
    try {
      lease = JobLease.fromJson(body);
    } catch (SpecException e) {
      JobLease.Fence fence = JobLease.Fence.of(body);
      LOG.warn("job {}: the leased spec is invalid here: {}", fence.jobId(), e.getMessage());
      JsonObject failed = new JsonObject().put("job_id", fence.jobId().toString()).put("fencing_token", fence.token())
        .put("node_id", config.nodeId()).put("state", JobState.FAILED.id()).put("retryable", false)
        .put("error", "invalid spec: " + e.getMessage())
        .put("result", new JsonObject().put("job_id", fence.jobId().toString()).put("error", "invalid spec: " + e.getMessage()));
      vertx.executeBlocking(() -> {
        spool.put(failed);
        return null;
      }, false).compose(v -> deliver(failed));
      return;
    }
    runLease(lease);
  }

  private void runLease(JobLease lease) {
    long leasedNs = System.nanoTime();
    JsonObject started = fenced(lease);
    JobRunner runner = new JobRunner(vertx, config, meter, ffmpeg, node, windows, workingHardware);
    Running run = new Running(lease, runner, lease.spec().measure().exclusive(), Promise.promise());
    running.put(lease.jobId(), run);
    reports.send(started.put("state", JobState.RUNNING.id()))
      .compose(ok -> runner.run(lease, idleBaseline, p -> vertx.eventBus().publish(Addresses.JOB_PROGRESS, p)))
      .compose(outcome -> {
        // The whole job as the worker saw it: lease to result, spawn, power windows and quality pass included.
        outcome.result().put("job_wall_s", Math.round((System.nanoTime() - leasedNs) / 1e6) / 1000.0);
        return report(lease, outcome);
      })
      .andThen(ar -> {
        if (ar.failed()) {
          LOG.warn("job {} (attempt {}): {}", lease.jobId(), lease.attempt(), ar.cause().getMessage());
        }
        running.remove(lease.jobId());
        run.done().complete();
        askForWork();
      });
    // With a slot still free (and this job willing to share the node), ask for the next one at once.
    askForWork();
  }

  private Future<Void> report(JobLease lease, JobRunner.Outcome outcome) {
    JsonObject body = fenced(lease)
      .put("state", outcome.state())
      .put("result", outcome.result())
      .put("error", outcome.error())
      .put("retryable", outcome.retryable());
    // Spooled first: if no master takes it now, it is delivered later, after a restart too.
    return vertx.executeBlocking(() -> {
      spool.put(body);
      return null;
    }, false).compose(v -> deliver(body));
  }

  /**
   * Sends one result. Taken, or refused for good (409: the attempt is no longer current), it leaves the spool;
   * otherwise (no master, timeout, database down) it stays there for the next flush.
   */
  private Future<Void> deliver(JsonObject body) {
    return reports.send(body.copy())
      .transform(ar -> {
        boolean refused = ar.failed() && ar.cause() instanceof io.vertx.core.eventbus.ReplyException r
          && (r.failureCode() == Addresses.CONFLICT || r.failureCode() == Addresses.BAD_REQUEST);
        if (ar.succeeded() || refused) {
          if (refused) {
            LOG.warn("job {}: the master refused the result: {}", body.getString("job_id"), ar.cause().getMessage());
          }
          return vertx.executeBlocking(() -> {
            spool.remove(body);
            return null;
          }, false).mapEmpty();
        }
        LOG.warn("job {}: result not delivered ({}); kept in {} for later", body.getString("job_id"), ar.cause().getMessage(),
          spool.dir());
        return Future.<Void>failedFuture(ar.cause());
      });
  }

  private JsonObject fenced(JobLease lease) {
    return new JsonObject().put("job_id", lease.jobId().toString()).put("fencing_token", lease.fencingToken())
      .put("node_id", config.nodeId());
  }

  private void cancel(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    if (body == null) {
      return;
    }
    for (Running r : running.values()) {
      JobLease lease = r.lease();
      boolean byJob = lease.jobId().toString().equals(body.getString("job_id"));
      boolean byCampaign = lease.campaignId() != null && lease.campaignId().toString().equals(body.getString("campaign_id"));
      if (byJob || byCampaign) {
        r.runner().cancel(body.getString("reason", "canceled"));
      }
    }
  }

  private void idleBaseline(Message<JsonObject> msg) {
    if (!running.isEmpty()) {
      msg.fail(Addresses.CONFLICT, "a job is running on " + config.nodeId() + "; an idle baseline needs an idle node");
      return;
    }
    double seconds = msg.body() == null ? 5 : msg.body().getDouble("duration_s", 5.0);
    vertx.executeBlocking(() -> meter.measureIdle(Duration.ofMillis(Math.round(seconds * 1000))).toJson())
      .onSuccess(b -> {
        idleBaseline = b;
        msg.reply(new JsonObject().put("idle_baseline", b).put("node", node));
      })
      .onFailure(e -> msg.fail(Addresses.INTERNAL, "idle baseline failed: " + e.getMessage()));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    running.values().forEach(r -> r.runner().cancel("worker stopping"));
    // Let the canceled jobs report their end before the bus goes away.
    return Future.join(running.values().stream().map(r -> r.done().future()).toList())
      .timeout(10, java.util.concurrent.TimeUnit.SECONDS).otherwiseEmpty()
      .compose(v -> Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
      .eventually(() -> vertx.executeBlocking(() -> {
        if (meter != null) {
          meter.close();
        }
        return null;
      })));
  }
}
