package io.ffrtmp.cluster;

import io.ffrtmp.job.JobLease;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A worker without FFmpeg: it speaks the worker's protocol over the event bus (register, heartbeat
 * with its running jobs, work request for all its free slots at start / on a wake-up / when a slot
 * frees / on its poll timer, then JOB_STARTED and a succeeded JOB_RESULT after {@code hold}, or,
 * {@link Options#batched}, the same reports gathered in JOB_UPDATES requests), and records when
 * each lease arrived and when the master took its start. The poll timer is the only fallback:
 * heartbeats never ask for work, so a long poll leaves the wake-up as the way in.
 */
public final class SimulatedWorker extends VerticleBase {

  private static final DeliveryOptions MASTER_CALL = new DeliveryOptions().setSendTimeout(30_000);

  /**
   * How the simulated node presents itself and behaves; {@code hold}: lease to result, {@code null}
   * to hold until {@link #finish}.
   */
  public record Options(
      String nodeId,
      List<String> encoders,
      Map<String, String> labels,
      int slots,
      Duration heartbeat,
      Duration poll,
      Duration hold,
      boolean batch) {

    public static Options cpu(String nodeId) {
      return new Options(
          nodeId,
          List.of("libx264", "libx265", "libsvtav1"),
          Map.of(),
          1,
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          Duration.ZERO,
          false);
    }

    public Options withEncoders(String... encoders) {
      return new Options(nodeId, List.of(encoders), labels, slots, heartbeat, poll, hold, batch);
    }

    public Options withLabels(Map<String, String> labels) {
      return new Options(nodeId, encoders, labels, slots, heartbeat, poll, hold, batch);
    }

    public Options withSlots(int slots) {
      return new Options(nodeId, encoders, labels, slots, heartbeat, poll, hold, batch);
    }

    public Options withHeartbeat(Duration heartbeat) {
      return new Options(nodeId, encoders, labels, slots, heartbeat, poll, hold, batch);
    }

    public Options withPoll(Duration poll) {
      return new Options(nodeId, encoders, labels, slots, heartbeat, poll, hold, batch);
    }

    public Options withHold(Duration hold) {
      return new Options(nodeId, encoders, labels, slots, heartbeat, poll, hold, batch);
    }

    /**
     * Starts and results go to the master in {@code JOB_UPDATES} batches, one request in flight,
     * the rest waiting.
     */
    public Options batched() {
      return new Options(nodeId, encoders, labels, slots, heartbeat, poll, hold, true);
    }
  }

  /** One job as this worker saw it; nanoTime stamps of this JVM, 0 until reached. */
  public record JobTimes(JobLease lease, long leasedNs, long startedNs, long resultNs) {}

  private final Options options;
  private final UUID instanceId = UUID.randomUUID();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  /**
   * Jobs held now, by id: their lease and the timer that reports their result (-1 when held until
   * finished).
   */
  private final Map<UUID, Held> running = new LinkedHashMap<>();

  private final ConcurrentLinkedQueue<JobTimes> done = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<JobTimes> started = new ConcurrentLinkedQueue<>();
  private boolean asking;
  private boolean sending;
  private final List<Map.Entry<Held, JsonObject>> outbox = new ArrayList<>();
  private boolean askAgain;
  private boolean stopping;
  private volatile boolean registered;
  private volatile boolean idle;
  private volatile long heartbeats;
  private long heartbeatTimer = -1;
  private long pollTimer = -1;

  private static final class Held {
    final JobLease lease;
    final long leasedNs;
    long startedNs;
    long timer = -1;

    Held(JobLease lease, long leasedNs) {
      this.lease = lease;
      this.leasedNs = leasedNs;
    }
  }

  public SimulatedWorker(Options options) {
    this.options = options;
  }

  public String nodeId() {
    return options.nodeId();
  }

  @Override
  public Future<?> start() {
    consumers.add(
        vertx.eventBus().<JsonObject>consumer(Addresses.JOBS_AVAILABLE, m -> askForWork()));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(
            v ->
                vertx
                    .eventBus()
                    .<JsonObject>request(Addresses.NODE_REGISTER, registration(), MASTER_CALL))
        .onSuccess(
            reply -> {
              registered = true;
              heartbeatTimer = vertx.setPeriodic(options.heartbeat().toMillis(), t -> heartbeat());
              pollTimer = vertx.setPeriodic(options.poll().toMillis(), t -> askForWork());
              askForWork();
            });
  }

  private JsonObject registration() {
    return new JsonObject()
        .put("node_id", options.nodeId())
        .put("instance_id", instanceId.toString())
        .put("host", "simulated")
        .put("labels", new JsonObject(new TreeMap<String, Object>(options.labels())))
        .put("slots", options.slots())
        .put("encoders", new JsonArray(options.encoders()))
        .put("power", new JsonObject())
        .put("hardware", new JsonObject())
        .put("cluster_node", ClusterSetup.memberId(vertx));
  }

  private void heartbeat() {
    JsonArray jobs = new JsonArray();
    running
        .values()
        .forEach(
            h ->
                jobs.add(
                    new JsonObject()
                        .put("job_id", h.lease.jobId().toString())
                        .put("fencing_token", h.lease.fencingToken())
                        .put("activity", heartbeats)));
    JsonObject hb =
        new JsonObject()
            .put("node_id", options.nodeId())
            .put("instance_id", instanceId.toString())
            .put("running", jobs)
            .put("free_slots", freeSlots());
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.NODE_HEARTBEAT, hb, MASTER_CALL)
        .onSuccess(r -> heartbeats++);
  }

  private int freeSlots() {
    boolean exclusive = running.values().stream().anyMatch(h -> exclusive(h.lease));
    return exclusive ? 0 : options.slots() - running.size();
  }

  private static boolean exclusive(JobLease lease) {
    return lease.spec().measure().exclusive();
  }

  private void askForWork() {
    if (stopping || !registered || freeSlots() <= 0) {
      return;
    }
    if (asking) {
      // A wake-up while a request is out: that request may have been answered before the new job
      // was queued.
      askAgain = true;
      return;
    }
    asking = true;
    askAgain = false;
    JsonObject req =
        new JsonObject()
            .put("node_id", options.nodeId())
            .put("instance_id", instanceId.toString())
            .put("running", running.size())
            .put("free_slots", freeSlots())
            .put("max_jobs", freeSlots());
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.WORK_REQUEST, req, MASTER_CALL)
        .onComplete(
            ar -> {
              JsonArray leases =
                  ar.succeeded()
                      ? ar.result().body().getJsonArray("leases", new JsonArray())
                      : new JsonArray();
              for (int i = 0; i < leases.size(); i++) {
                run(JobLease.fromJson(leases.getJsonObject(i)));
              }
              asking = false;
              if (!leases.isEmpty()) {
                idle = false;
                askForWork();
              } else {
                idle = ar.succeeded() && running.isEmpty();
                if (askAgain) {
                  askForWork();
                }
              }
            });
  }

  private void run(JobLease lease) {
    Held held = new Held(lease, System.nanoTime());
    running.put(lease.jobId(), held);
    if (options.batch()) {
      send(held, fenced(lease).put("state", "running"));
      return;
    }
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.JOB_STARTED, fenced(lease), MASTER_CALL)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                running.remove(lease.jobId());
                askForWork();
                return;
              }
              started(held);
            });
  }

  private void started(Held held) {
    held.startedNs = System.nanoTime();
    started.add(new JobTimes(held.lease, held.leasedNs, held.startedNs, 0));
    if (options.hold() != null && options.hold().isZero()) {
      report(held);
    } else if (options.hold() != null) {
      held.timer = vertx.setTimer(options.hold().toMillis(), t -> report(held));
    }
  }

  private void ended(Held held, boolean taken) {
    running.remove(held.lease.jobId());
    if (taken) {
      done.add(new JobTimes(held.lease, held.leasedNs, held.startedNs, System.nanoTime()));
    }
  }

  /** Batched mode: queues one report; sends the queue when no JOB_UPDATES request is out. */
  private void send(Held held, JsonObject update) {
    outbox.add(Map.entry(held, update));
    flush();
  }

  private void flush() {
    if (sending || outbox.isEmpty()) {
      return;
    }
    sending = true;
    List<Map.Entry<Held, JsonObject>> batch = new ArrayList<>(outbox);
    outbox.clear();
    JsonArray updates = new JsonArray(new ArrayList<>(batch.size()));
    batch.forEach(e -> updates.add(e.getValue()));
    JsonObject body = new JsonObject().put("node_id", options.nodeId()).put("updates", updates);
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.JOB_UPDATES, body, MASTER_CALL)
        .onComplete(
            ar -> {
              JsonArray answers =
                  ar.succeeded() ? ar.result().body().getJsonArray("updates") : null;
              for (int i = 0; i < batch.size(); i++) {
                Held held = batch.get(i).getKey();
                boolean ok = answers != null && answers.getJsonObject(i).containsKey("state");
                if ("running".equals(batch.get(i).getValue().getString("state"))) {
                  if (ok) {
                    started(held);
                  } else {
                    running.remove(held.lease.jobId());
                  }
                } else {
                  ended(held, ok);
                }
              }
              sending = false;
              flush();
              askForWork();
            });
  }

  private void report(Held held) {
    JsonObject body =
        fenced(held.lease)
            .put("state", "succeeded")
            .put("result", new JsonObject().put("simulated", true).put("node_id", options.nodeId()))
            .put("retryable", false);
    if (options.batch()) {
      send(held, body);
      return;
    }
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.JOB_RESULT, body, MASTER_CALL)
        .onComplete(
            ar -> {
              ended(held, ar.succeeded());
              askForWork();
            });
  }

  private JsonObject fenced(JobLease lease) {
    return new JsonObject()
        .put("job_id", lease.jobId().toString())
        .put("fencing_token", lease.fencingToken())
        .put("node_id", options.nodeId());
  }

  /** Reports a held job's result now (any thread). */
  public void finish(UUID jobId) {
    context.runOnContext(
        v -> {
          Held h = running.get(jobId);
          if (h != null && h.startedNs > 0) {
            if (h.timer >= 0) {
              vertx.cancelTimer(h.timer);
            }
            report(h);
          }
        });
  }

  /** Whether the master answered this worker's registration. */
  public boolean registered() {
    return registered;
  }

  /**
   * True when the last work request was answered with nothing and no job runs: the node waits for
   * work.
   */
  public boolean idle() {
    return idle;
  }

  /** Heartbeats the master answered. */
  public long heartbeats() {
    return heartbeats;
  }

  /** Jobs whose start the master took, in that order. */
  public List<JobTimes> started() {
    return List.copyOf(started);
  }

  /** Jobs whose result the master took, in that order. */
  public List<JobTimes> done() {
    return List.copyOf(done);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(pollTimer);
    running.values().forEach(h -> vertx.cancelTimer(h.timer));
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }
}
