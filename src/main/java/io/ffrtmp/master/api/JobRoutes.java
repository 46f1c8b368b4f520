package io.ffrtmp.master.api;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.job.JobEvent;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobState;
import io.ffrtmp.job.LiveHosts;
import io.ffrtmp.job.MediaRoots;
import io.ffrtmp.master.store.JobQueries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** {@code /api/v1/jobs}: submit, list, get, cancel, retry, logs and power trace. */
final class JobRoutes {

  static final int DEFAULT_PAGE = 50;

  private final Vertx vertx;
  private final JobQueries queries;
  private final List<Path> mediaRoots;
  private final LiveHosts liveHosts;

  JobRoutes(Vertx vertx, JobQueries queries, List<Path> mediaRoots, LiveHosts liveHosts) {
    this.vertx = vertx;
    this.queries = queries;
    this.mediaRoots = mediaRoots;
    this.liveHosts = liveHosts;
  }

  void mount(RouterBuilder b) {
    b.getRoute("submitJob").addHandler(this::submit);
    b.getRoute("listJobs").addHandler(this::list);
    b.getRoute("getJob").addHandler(this::get);
    b.getRoute("cancelJob").addHandler(this::cancel);
    b.getRoute("retryJob").addHandler(this::retry);
    b.getRoute("jobLogs").addHandler(this::logs);
    b.getRoute("jobPower").addHandler(this::power);
  }

  private void submit(RoutingContext ctx) {
    JobSpec spec =
        JobSpec.fromJson(
            ctx.body().asJsonObject()); // range checks beyond the contract; SpecException → 400
    liveHosts.check(spec); // a live URL's host must be on the list: 400 naming input/output.url
    checkInput(vertx, mediaRoots, spec)
        .compose(v -> queries.submit(spec, Reply.actor(ctx)))
        .onSuccess(
            job -> {
              vertx
                  .eventBus()
                  .publish(
                      Addresses.JOB_EVENTS,
                      JobEvent.submitted(UUID.fromString(job.getString("job_id")), spec.configKey())
                          .toJson());
              vertx
                  .eventBus()
                  .publish(
                      Addresses.JOBS_AVAILABLE,
                      new JsonObject().put("job_id", job.getString("job_id")));
              ctx.response().putHeader("location", "/api/v1/jobs/" + job.getString("job_id"));
              Reply.json(ctx, 201, job);
            })
        .onFailure(ctx::fail);
  }

  /**
   * A file input must exist under a media root (no symlink escape); checked on a worker thread
   * (file system).
   */
  static Future<Void> checkInput(Vertx vertx, List<Path> roots, JobSpec spec) {
    if (!spec.input().isFile()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          checkInputNow(roots, spec);
          return null;
        });
  }

  /** {@link #checkInput} on the calling thread, which must not be an event loop. */
  static void checkInputNow(List<Path> roots, JobSpec spec) {
    if (!spec.input().isFile()) {
      return;
    }
    try {
      MediaRoots.resolve(roots, spec.input().path());
    } catch (MediaRoots.RejectedException e) {
      String m = e.getMessage();
      throw ApiErrors.badRequest(
          "input.path",
          m.startsWith("input.path: ")
              ? m.substring("input.path: ".length())
                  .replace("bench --media-root DIR", "--media-root DIR on the server")
              : m);
    }
  }

  private void list(RoutingContext ctx) {
    String state = ctx.queryParams().get("state");
    String queue = ctx.queryParams().get("queue");
    String campaign = ctx.queryParams().get("campaign_id");
    String limit = ctx.queryParams().get("limit");
    JobQueries.Filter f =
        new JobQueries.Filter(
            state == null ? null : JobState.of(state),
            queue == null ? null : JobSpec.Queue.valueOf(queue.toUpperCase(Locale.ROOT)),
            campaign == null ? null : UUID.fromString(campaign),
            ctx.queryParams().get("cursor"),
            limit == null ? DEFAULT_PAGE : Integer.parseInt(limit));
    Reply.with(
        ctx,
        queries
            .list(f)
            .map(
                p ->
                    new JsonObject()
                        .put("jobs", new JsonArray(p.jobs()))
                        .put("next_cursor", p.nextCursor())));
  }

  private void get(RoutingContext ctx) {
    UUID id = Reply.uuid(ctx, "job_id");
    Reply.with(ctx, queries.get(id).map(j -> j.orElseThrow(() -> noJob(id))));
  }

  private void publishCanceled(UUID id, int attempt, JobState before, String reason) {
    JobEvent e = JobEvent.of(id, null, null, attempt, before, JobState.CANCELED, reason);
    vertx.eventBus().publish(Addresses.JOB_EVENTS, e.toJson());
  }

  private void cancel(RoutingContext ctx) {
    UUID id = Reply.uuid(ctx, "job_id");
    String reason = "canceled by " + Reply.actor(ctx);
    queries
        .cancel(id, Reply.actor(ctx), reason)
        .onSuccess(
            c -> {
              JsonObject body = new JsonObject().put("job_id", id.toString());
              switch (c.outcome()) {
                case DONE -> {
                  publishCanceled(id, c.attempt(), c.before(), reason);
                  Reply.json(ctx, 200, body.put("state", JobState.CANCELED.id()));
                }
                case CANCEL_REQUESTED -> {
                  // Canceled in the store already; the worker is told to stop FFmpeg now.
                  vertx
                      .eventBus()
                      .publish(Addresses.WORKER_CANCEL, body.copy().put("reason", reason));
                  publishCanceled(id, c.attempt(), c.before(), reason);
                  Reply.json(
                      ctx,
                      202,
                      body.put("state", JobState.CANCELED.id())
                          .put("was", c.before().id())
                          .put("cancel", "sent to the worker"));
                }
                case CONFLICT ->
                    ctx.fail(
                        ApiErrors.conflict(
                            "job_id",
                            "the job is "
                                + c.before().id()
                                + "; only queued, leased or running jobs can be canceled"));
                default -> ctx.fail(noJob(id));
              }
            })
        .onFailure(ctx::fail);
  }

  private void retry(RoutingContext ctx) {
    UUID id = Reply.uuid(ctx, "job_id");
    queries
        .retry(id, Reply.actor(ctx))
        .onSuccess(
            c -> {
              switch (c.outcome()) {
                case DONE -> {
                  JsonObject body = new JsonObject().put("job_id", id.toString());
                  vertx
                      .eventBus()
                      .publish(
                          Addresses.JOB_EVENTS,
                          JobEvent.of(
                                  id,
                                  null,
                                  null,
                                  c.attempt(),
                                  c.before(),
                                  JobState.QUEUED,
                                  "retried by " + Reply.actor(ctx))
                              .toJson());
                  vertx.eventBus().publish(Addresses.JOBS_AVAILABLE, body.copy());
                  Reply.json(ctx, 200, body.put("state", JobState.QUEUED.id()));
                }
                case CONFLICT ->
                    ctx.fail(
                        ApiErrors.conflict(
                            "job_id",
                            "the job is "
                                + c.before().id()
                                + "; only failed or canceled jobs can be retried"));
                default -> ctx.fail(noJob(id));
              }
            })
        .onFailure(ctx::fail);
  }

  private void logs(RoutingContext ctx) {
    UUID id = Reply.uuid(ctx, "job_id");
    Reply.with(
        ctx,
        queries
            .result(id)
            .map(
                o -> {
                  JsonObject r = o.orElseThrow(() -> noJob(id));
                  JsonObject result =
                      r.getJsonObject("result") == null
                          ? new JsonObject()
                          : r.getJsonObject("result");
                  return new JsonObject()
                      .put("job_id", id.toString())
                      .put("state", r.getString("state"))
                      .put("command", result.getValue("command"))
                      .put("exit_code", result.getValue("exit_code"))
                      .put("error", result.getValue("error"))
                      .put("stderr_tail", result.getValue("stderr_tail"));
                }));
  }

  private void power(RoutingContext ctx) {
    UUID id = Reply.uuid(ctx, "job_id");
    Reply.with(
        ctx,
        queries
            .result(id)
            .map(
                o -> {
                  JsonObject r = o.orElseThrow(() -> noJob(id));
                  JsonObject result =
                      r.getJsonObject("result") == null
                          ? new JsonObject()
                          : r.getJsonObject("result");
                  JsonObject energy =
                      result.getJsonObject("energy") == null
                          ? new JsonObject()
                          : result.getJsonObject("energy").copy();
                  Object trace = energy.remove("trace");
                  return new JsonObject()
                      .put("job_id", id.toString())
                      .put("state", r.getString("state"))
                      .put("energy", energy)
                      .put("trace", trace == null ? new JsonArray() : trace);
                }));
  }

  static ApiErrors.ApiException noJob(UUID id) {
    return ApiErrors.notFound("job_id", "no job " + id);
  }
}
