package io.ffrtmp.worker;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.job.Encoder;
import io.ffrtmp.master.store.JobLease;
import io.ffrtmp.node.EncoderCheck;
import io.ffrtmp.node.HardwareProbe;
import io.ffrtmp.node.NodeSnapshot;
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
  private static final DeliveryOptions MASTER_CALL = new DeliveryOptions().setSendTimeout(30_000);

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

  private record Running(JobLease lease, JobRunner runner, boolean exclusive, Promise<Void> done) {
  }

  public WorkerVerticle(WorkerConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
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
      List<EncoderCheck> checks = HardwareProbe.encoders(ffmpeg, hardware);
      workingHardware = checks.stream().filter(EncoderCheck::works).map(EncoderCheck::encoder)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
      node.put("hardware_encoders", new JsonArray(checks.stream().map(EncoderCheck::toJson).toList()));
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
    }).onSuccess(v -> askForWork());
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
    if (asking || stopping || running.size() >= config.slots() || running.values().stream().anyMatch(Running::exclusive)) {
      return;
    }
    asking = true;
    JsonObject req = new JsonObject().put("node_id", config.nodeId())
      .put("free_slots", config.slots() - running.size()).put("running", running.size())
      .put("encoders", new JsonArray(List.copyOf(ffmpeg.encoders())));
    vertx.eventBus().<JsonObject>request(Addresses.WORK_REQUEST, req, MASTER_CALL)
      .onComplete(ar -> {
        asking = false;
        if (ar.failed()) {
          LOG.debug("no master answered a work request: {}", ar.cause().getMessage());
          return;
        }
        JsonObject body = ar.result().body();
        if (body != null && body.containsKey("job_id")) {
          runLease(JobLease.fromJson(body));
        }
      });
  }

  private void runLease(JobLease lease) {
    long leasedNs = System.nanoTime();
    JsonObject started = fenced(lease);
    JobRunner runner = new JobRunner(vertx, config, meter, ffmpeg, node, windows, workingHardware);
    boolean exclusive = lease.spec().getJsonObject("measure", new JsonObject()).getBoolean("exclusive", true);
    Running run = new Running(lease, runner, exclusive, Promise.promise());
    running.put(lease.jobId(), run);
    vertx.eventBus().<JsonObject>request(Addresses.JOB_STARTED, started, MASTER_CALL)
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
    return vertx.eventBus().<JsonObject>request(Addresses.JOB_RESULT, body, MASTER_CALL).mapEmpty();
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
