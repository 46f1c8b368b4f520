package io.ffrtmp.master.api;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.job.JobState;
import io.ffrtmp.master.store.JobQueries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Server-sent events fed from the event bus: {@code state} (every job state change, {@link
 * Addresses#JOB_EVENTS}) and {@code progress} ({@link Addresses#JOB_PROGRESS}). One pair of
 * consumers per server fans out to every open stream, so a clustered bus carries one subscription
 * per master, not one per client. The per-job stream opens with a {@code job} snapshot and ends
 * when the job is final. Every stream ends when its token expires or its API key is revoked.
 * Progress is dropped for a client that does not keep up; the number of streams is capped, in all
 * and per token holder.
 */
final class EventStream {

  static final int MAX_STREAMS = 1000;
  static final long KEEP_ALIVE_MS = 15_000;

  private final Vertx vertx;
  private final JobQueries queries;
  private final int maxPerHolder;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private MessageConsumer<JsonObject> states;
  private MessageConsumer<JsonObject> progress;
  private long keepAlive = -1;

  EventStream(Vertx vertx, JobQueries queries, RevokedKeys revoked, int maxPerHolder) {
    this.vertx = vertx;
    this.queries = queries;
    this.maxPerHolder = maxPerHolder;
    revoked.onRevoked(
        keyId ->
            streams.stream().filter(s -> keyId.equals(s.keyId)).forEach(s -> s.end("key revoked")));
  }

  /** Starts listening to the bus; {@link #close} stops it and ends every stream. */
  Future<Void> start() {
    states =
        vertx
            .eventBus()
            .consumer(Addresses.JOB_EVENTS, m -> streams.forEach(s -> s.state(m.body())));
    progress =
        vertx
            .eventBus()
            .consumer(Addresses.JOB_PROGRESS, m -> streams.forEach(s -> s.progress(m.body())));
    keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, t -> streams.forEach(Stream::keepAlive));
    return Future.all(states.completion(), progress.completion()).mapEmpty();
  }

  Future<Void> close() {
    vertx.cancelTimer(keepAlive);
    streams.forEach(Stream::close);
    return Future.all(states.unregister(), progress.unregister()).mapEmpty();
  }

  void mount(RouterBuilder b) {
    b.getRoute("events").addHandler(ctx -> open(ctx, null));
    b.getRoute("jobEvents")
        .addHandler(
            ctx -> {
              UUID id = Reply.uuid(ctx, "job_id");
              queries
                  .get(id)
                  .onSuccess(
                      job -> {
                        if (job.isEmpty()) {
                          ctx.fail(JobRoutes.noJob(id));
                        } else {
                          open(ctx, job.get());
                        }
                      })
                  .onFailure(ctx::fail);
            });
  }

  /** {@code job} null: every job. */
  private void open(RoutingContext ctx, JsonObject job) {
    User user = TokenCheck.user(ctx);
    UUID keyId = Tokens.keyIdOf(user);
    // Per holder (API key and subject), not per token string: a new token for the same key does not
    // buy more streams.
    String holder = keyId + "/" + Tokens.subjectOf(user);
    Stream s;
    synchronized (streams) {
      if (streams.stream().filter(o -> holder.equals(o.holder)).count() >= maxPerHolder) {
        ctx.response().putHeader("retry-after", "5");
        ApiErrors.send(
            ctx,
            429,
            "too_many_streams",
            null,
            "this token already has "
                + maxPerHolder
                + " event streams open (--max-streams-per-token); close one first");
        return;
      }
      if (streams.size() >= MAX_STREAMS) {
        ApiErrors.send(
            ctx, 503, "unavailable", null, "too many event streams open; try again later");
        return;
      }
      s =
          new Stream(
              ctx.response(),
              job == null ? null : job.getString("job_id"),
              job == null ? null : job.getString("campaign_id"),
              keyId,
              holder);
      streams.add(s);
    }
    HttpServerResponse res =
        ctx.response()
            .setChunked(true)
            .putHeader("content-type", "text/event-stream")
            .putHeader("cache-control", "no-cache")
            .putHeader("x-accel-buffering", "no");
    long untilExpiryMs = Tokens.expiresAtSeconds(user) * 1000 - System.currentTimeMillis();
    s.expiry = vertx.setTimer(Math.max(1, untilExpiryMs), t -> s.end("token expired"));
    res.closeHandler(v -> s.close());
    res.write(": ffrtmp events\n\n");
    if (job != null) {
      // Looked up again now that the stream listens, so a change between the first look and now is
      // not missed.
      queries
          .get(UUID.fromString(s.jobId))
          .onSuccess(now -> s.snapshot(now.orElse(job)))
          .onFailure(e -> s.close());
    }
  }

  private static boolean isFinal(String state) {
    try {
      return state != null && JobState.of(state).terminal();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** One client's stream, for one job or (jobId null) for all. */
  private final class Stream {
    final HttpServerResponse res;
    final String jobId;
    final String campaignId;
    final UUID keyId;
    final String holder;
    final AtomicBoolean closed = new AtomicBoolean();
    volatile long expiry = -1;

    Stream(HttpServerResponse res, String jobId, String campaignId, UUID keyId, String holder) {
      this.res = res;
      this.jobId = jobId;
      this.campaignId = campaignId;
      this.keyId = keyId;
      this.holder = holder;
    }

    void state(JsonObject e) {
      if (jobId == null || jobId.equals(e.getString("job_id"))) {
        send("state", e);
        if (jobId != null && isFinal(e.getString("to"))) {
          close();
        }
      } else if (campaignId != null
          && e.getString("job_id") == null
          && campaignId.equals(e.getString("campaign_id"))) {
        // A campaign-wide change (cancel) does not list its jobs: look this one up again.
        queries.get(UUID.fromString(jobId)).onSuccess(j -> j.ifPresent(this::snapshot));
      }
    }

    void progress(JsonObject p) {
      if ((jobId == null || jobId.equals(p.getString("job_id"))) && !res.writeQueueFull()) {
        send("progress", p);
      }
    }

    void snapshot(JsonObject job) {
      send("job", job);
      if (isFinal(job.getString("state"))) {
        close();
      }
    }

    void keepAlive() {
      if (!closed.get()) {
        res.write(": keep-alive\n\n");
      }
    }

    /** Ends the stream with a comment saying why (every SSE client skips comments). */
    void end(String why) {
      if (!closed.get() && !res.closed()) {
        res.write(": " + why + "\n\n");
      }
      close();
    }

    void close() {
      if (closed.compareAndSet(false, true)) {
        vertx.cancelTimer(expiry);
        streams.remove(this);
        if (!res.ended() && !res.closed()) {
          res.end();
        }
      }
    }

    private void send(String event, JsonObject data) {
      if (!closed.get() && !res.closed()) {
        res.write("event: " + event + "\ndata: " + data.encode() + "\n\n");
      }
    }
  }
}
