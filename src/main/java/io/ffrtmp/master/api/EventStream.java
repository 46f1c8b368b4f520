package io.ffrtmp.master.api;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.job.JobState;
import io.ffrtmp.master.store.JobQueries;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Server-sent events fed from the event bus: {@code state} (every job state change, {@link Addresses#JOB_EVENTS}) and
 * {@code progress} ({@link Addresses#JOB_PROGRESS}). The per-job stream opens with a {@code job} snapshot and ends when
 * the job is final. Progress is dropped for a client that does not keep up; the number of streams is capped.
 */
final class EventStream {

  static final int MAX_STREAMS = 1000;
  static final long KEEP_ALIVE_MS = 15_000;

  private final Vertx vertx;
  private final JobQueries queries;
  private final AtomicInteger open = new AtomicInteger();

  EventStream(Vertx vertx, JobQueries queries) {
    this.vertx = vertx;
    this.queries = queries;
  }

  void mount(RouterBuilder b) {
    b.getRoute("events").addHandler(ctx -> stream(ctx, null));
    b.getRoute("jobEvents").addHandler(ctx -> {
      UUID id = Reply.uuid(ctx, "job_id");
      queries.get(id).onSuccess(job -> {
        if (job.isEmpty()) {
          ctx.fail(JobRoutes.noJob(id));
        } else {
          stream(ctx, job.get());
        }
      }).onFailure(ctx::fail);
    });
  }

  /** {@code job} null: every job. */
  private void stream(RoutingContext ctx, JsonObject job) {
    if (open.incrementAndGet() > MAX_STREAMS) {
      open.decrementAndGet();
      ApiErrors.send(ctx, 503, "unavailable", null, "too many event streams open; try again later");
      return;
    }
    HttpServerResponse res = ctx.response().setChunked(true)
      .putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
    String jobId = job == null ? null : job.getString("job_id");
    String campaignId = job == null ? null : job.getString("campaign_id");
    MessageConsumer<JsonObject> states = vertx.eventBus().consumer(Addresses.JOB_EVENTS);
    MessageConsumer<JsonObject> progress = vertx.eventBus().consumer(Addresses.JOB_PROGRESS);
    long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, t -> {
      if (!res.ended()) {
        res.write(": keep-alive\n\n");
      }
    });
    Runnable close = () -> {
      if (states.isRegistered()) {
        states.unregister();
        progress.unregister();
        vertx.cancelTimer(keepAlive);
        open.decrementAndGet();
      }
      if (!res.ended() && !res.closed()) {
        res.end();
      }
    };
    res.closeHandler(v -> close.run());
    states.handler(m -> {
      JsonObject e = m.body();
      if (jobId == null || jobId.equals(e.getString("job_id"))) {
        send(res, "state", e);
        if (jobId != null && isFinal(e.getString("to"))) {
          close.run();
        }
      } else if (campaignId != null && e.getString("job_id") == null && campaignId.equals(e.getString("campaign_id"))) {
        // A campaign-wide change (cancel) does not list its jobs: look this one up again.
        queries.get(UUID.fromString(jobId)).onSuccess(j -> j.ifPresent(now -> {
          send(res, "job", now);
          if (isFinal(now.getString("state"))) {
            close.run();
          }
        }));
      }
    });
    progress.handler(m -> {
      if ((jobId == null || jobId.equals(m.body().getString("job_id"))) && !res.writeQueueFull()) {
        send(res, "progress", m.body());
      }
    });
    res.write(": ffrtmp events\n\n");
    if (job != null) {
      // Looked up again once the consumers listen, so a change between the first look and now is not missed.
      io.vertx.core.Future.all(states.completion(), progress.completion())
        .compose(v -> queries.get(UUID.fromString(jobId)))
        .onSuccess(now -> {
          JsonObject snapshot = now.orElse(job);
          send(res, "job", snapshot);
          if (isFinal(snapshot.getString("state"))) {
            close.run();
          }
        })
        .onFailure(e -> close.run());
    }
  }

  private static boolean isFinal(String state) {
    try {
      return state != null && JobState.of(state).terminal();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void send(HttpServerResponse res, String event, JsonObject data) {
    if (!res.ended() && !res.closed()) {
      res.write("event: " + event + "\ndata: " + data.encode() + "\n\n");
    }
  }
}
