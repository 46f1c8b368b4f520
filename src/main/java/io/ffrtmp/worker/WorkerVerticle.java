package io.ffrtmp.worker;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.master.store.JobLease;
import io.ffrtmp.node.NodeSnapshot;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.SourceStatus;
import io.ffrtmp.worker.engine.FfmpegInfo;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker: asks a master for work when it has a free slot (at start, on every wake-up, and on a slow timer),
 * runs the leased job through {@link JobRunner}, and reports start, progress and result, each fenced by the lease's token.
 * One job at a time, so a measured job has the node to itself.
 */
public final class WorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  private static final DeliveryOptions MASTER_CALL = new DeliveryOptions().setSendTimeout(30_000);

  private final WorkerConfig config;
  private EnergyMeter meter;
  private FfmpegInfo ffmpeg;
  private JsonObject node;
  private JobRunner runner;
  private JobLease running;
  private Future<Void> runningDone = Future.succeededFuture();
  private boolean asking;
  private boolean stopping;
  private long pollTimer = -1;
  private JsonObject idleBaseline;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

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
      if (!meter.gpus().isEmpty()) {
        // NVML's view (name, UUID, clocks, memory) beside the probe's device list.
        node.put("nvml_gpus", new JsonArray(meter.gpus().stream().map(g -> g.toJson()).toList()));
      }
      return null;
    }).compose(v -> {
      runner = new JobRunner(vertx, config, meter, ffmpeg, node);
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
    if (running != null || asking || stopping) {
      return;
    }
    asking = true;
    JsonObject req = new JsonObject().put("node_id", config.nodeId()).put("free_slots", 1)
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
    running = lease;
    long leasedNs = System.nanoTime();
    JsonObject started = fenced(lease);
    runningDone = vertx.eventBus().<JsonObject>request(Addresses.JOB_STARTED, started, MASTER_CALL)
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
        running = null;
        askForWork();
      })
      .otherwiseEmpty()
      .mapEmpty();
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
    JobLease lease = running;
    JsonObject body = msg.body();
    if (lease == null || body == null) {
      return;
    }
    boolean byJob = lease.jobId().toString().equals(body.getString("job_id"));
    boolean byCampaign = lease.campaignId() != null && lease.campaignId().toString().equals(body.getString("campaign_id"));
    if (byJob || byCampaign) {
      runner.cancel(body.getString("reason", "canceled"));
    }
  }

  private void idleBaseline(Message<JsonObject> msg) {
    if (running != null) {
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
    if (running != null) {
      runner.cancel("worker stopping");
    }
    // Let the canceled job report its end before the bus goes away.
    return runningDone.timeout(10, java.util.concurrent.TimeUnit.SECONDS).otherwiseEmpty()
      .compose(v -> Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
      .eventually(() -> vertx.executeBlocking(() -> {
        if (meter != null) {
          meter.close();
        }
        return null;
      })));
  }
}
