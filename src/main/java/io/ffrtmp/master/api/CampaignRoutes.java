package io.ffrtmp.master.api;

import io.ffrtmp.analysis.CampaignAnalysis;
import io.ffrtmp.analysis.CampaignSettings;
import io.ffrtmp.analysis.CostModel;
import io.ffrtmp.analysis.HtmlReport;
import io.ffrtmp.analysis.QualityMetric;
import io.ffrtmp.analysis.QualityTarget;
import io.ffrtmp.analysis.Recommendation;
import io.ffrtmp.analysis.ResultFiles;
import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.ClipFolder;
import io.ffrtmp.job.JobEvent;
import io.ffrtmp.job.JobState;
import io.ffrtmp.job.LiveHosts;
import io.ffrtmp.master.store.JobQueries;
import io.ffrtmp.master.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** {@code /api/v1/campaigns}: submit, status, cancel, results and the report (JSON, CSV, HTML). */
final class CampaignRoutes {

  private final Vertx vertx;
  private final JobStore store;
  private final JobQueries queries;
  private final List<Path> mediaRoots;
  private final LiveHosts liveHosts;
  private final int maxJobs;

  /** {@code maxJobs}: the most jobs one campaign may expand to ({@code --max-campaign-jobs}). */
  CampaignRoutes(
      Vertx vertx,
      JobStore store,
      JobQueries queries,
      List<Path> mediaRoots,
      LiveHosts liveHosts,
      int maxJobs) {
    this.vertx = vertx;
    this.store = store;
    this.queries = queries;
    this.mediaRoots = mediaRoots;
    this.liveHosts = liveHosts;
    this.maxJobs = maxJobs;
  }

  void mount(RouterBuilder b) {
    b.getRoute("submitCampaign").addHandler(this::submit);
    b.getRoute("listCampaigns")
        .addHandler(
            ctx -> {
              String limit = ctx.queryParams().get("limit");
              Reply.with(
                  ctx,
                  queries
                      .campaigns(limit == null ? JobRoutes.DEFAULT_PAGE : Integer.parseInt(limit))
                      .map(l -> new JsonObject().put("campaigns", new JsonArray(l))));
            });
    b.getRoute("getCampaign").addHandler(this::status);
    b.getRoute("cancelCampaign").addHandler(this::cancel);
    b.getRoute("campaignResults").addHandler(this::results);
    b.getRoute("campaignReport").addHandler(this::report);
    b.getRoute("campaignRecommendation").addHandler(this::recommendation);
  }

  /**
   * Expansion, validation and the inputs' file checks take time in proportion to the jobs (10,000
   * at most by default): on a worker thread, unordered so that one large campaign does not hold up
   * other requests' blocking work. The inserts go in chunks (see {@code JobStore.createCampaign}).
   */
  private void submit(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    String actor = Reply.actor(ctx);
    Future<Campaign> parsed =
        vertx.executeBlocking(
            () -> {
              Campaign c =
                  CampaignSettings.check(
                      Campaign.parse(body, "campaign", maxJobs, ClipFolder.in(mediaRoots)));
              Set<String> files = new HashSet<>();
              for (Campaign.Configuration conf : c.configurations()) {
                liveHosts.check(conf.spec());
                if (conf.spec().input().isFile() && files.add(conf.spec().input().path())) {
                  JobRoutes.checkInputNow(mediaRoots, conf.spec());
                }
              }
              return c;
            },
            false);
    parsed
        .compose(
            campaign ->
                store
                    .createCampaign(campaign, actor)
                    .map(
                        id -> {
                          vertx
                              .eventBus()
                              .publish(
                                  Addresses.JOBS_AVAILABLE,
                                  new JsonObject().put("campaign_id", id.toString()));
                          ctx.response().putHeader("location", "/api/v1/campaigns/" + id);
                          return new JsonObject()
                              .put("campaign_id", id.toString())
                              .put("name", campaign.name())
                              .put("jobs", campaign.jobCount());
                        }))
        .onSuccess(reply -> Reply.json(ctx, 201, reply))
        .onFailure(ctx::fail);
  }

  private void status(RoutingContext ctx) {
    UUID id = Reply.uuid(ctx, "campaign_id");
    Reply.with(
        ctx,
        campaign(id)
            .compose(
                meta ->
                    store
                        .campaignStates(id)
                        .map(
                            states -> {
                              JsonObject counts = new JsonObject();
                              int total = 0;
                              int done = 0;
                              for (JobState s : JobState.values()) {
                                int n = states.getOrDefault(s, 0);
                                counts.put(s.id(), n);
                                total += n;
                                done += s.terminal() ? n : 0;
                              }
                              return meta.put("states", counts)
                                  .put("jobs", total)
                                  .put("finished", done)
                                  .put("done", total > 0 && done == total);
                            })));
  }

  private void cancel(RoutingContext ctx) {
    UUID id = Reply.uuid(ctx, "campaign_id");
    String reason = "canceled by " + Reply.actor(ctx);
    Reply.with(
        ctx,
        campaign(id)
            .compose(meta -> store.cancelQueued(id, Reply.actor(ctx), reason))
            .map(
                n -> {
                  // Running jobs of the campaign stop on their workers and report canceled
                  // themselves.
                  vertx
                      .eventBus()
                      .publish(
                          Addresses.WORKER_CANCEL,
                          new JsonObject().put("campaign_id", id.toString()).put("reason", reason));
                  vertx
                      .eventBus()
                      .publish(
                          Addresses.JOB_EVENTS, JobEvent.campaignCanceled(id, n, reason).toJson());
                  return new JsonObject().put("campaign_id", id.toString()).put("canceled", n);
                }));
  }

  private void results(RoutingContext ctx) {
    UUID id = Reply.uuid(ctx, "campaign_id");
    Reply.with(
        ctx,
        campaign(id)
            .compose(meta -> store.campaignResults(id))
            .map(
                r ->
                    new JsonObject()
                        .put("campaign_id", id.toString())
                        .put("jobs", new JsonArray(r))));
  }

  /** The same files bench writes, rendered on a worker thread (the HTML page draws its plots). */
  private void report(RoutingContext ctx) {
    UUID id = Reply.uuid(ctx, "campaign_id");
    String format =
        ctx.queryParams().get("format") == null ? "json" : ctx.queryParams().get("format");
    campaign(id)
        .compose(
            meta ->
                store
                    .campaignResults(id)
                    .compose(
                        results ->
                            vertx.executeBlocking(
                                () -> {
                                  CampaignAnalysis analysis =
                                      CampaignAnalysis.analyse(
                                          meta, results, QualityMetric.fromCampaign(meta));
                                  return switch (format) {
                                    case "csv" -> ResultFiles.resultsCsv(results);
                                    case "html" -> HtmlReport.render(meta, analysis);
                                    default ->
                                        ResultFiles.resultsJson(meta, results, analysis)
                                            .encodePrettily();
                                  };
                                })))
        .onSuccess(
            text ->
                ctx.response()
                    // The report is self-contained (inline styles and SVG): nothing may be loaded
                    // or run from it.
                    .putHeader(
                        "content-security-policy",
                        "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
                    .putHeader(
                        "content-type",
                        switch (format) {
                          case "csv" -> "text/csv; charset=utf-8";
                          case "html" -> "text/html; charset=utf-8";
                          default -> "application/json";
                        })
                    .end(text))
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET .../recommendation?target=psnr=40&max_kbps=&baseline=&price_per_kwh=&currency=&
   * carbon_g_per_kwh=&pue=}: what {@code ffrtmp recommend} says of a results file, for a stored
   * campaign; a bad parameter is a 400 naming it.
   */
  private void recommendation(RoutingContext ctx) {
    UUID id = Reply.uuid(ctx, "campaign_id");
    var q = ctx.queryParams();
    Reply.with(
        ctx,
        campaign(id)
            .compose(
                meta ->
                    store
                        .campaignResults(id)
                        .compose(
                            results ->
                                vertx.executeBlocking(
                                    () -> {
                                      QualityTarget target =
                                          QualityTarget.parse(q.get("target"), "target");
                                      CostModel cost =
                                          CostModel.of(meta.getJsonObject("cost"), "cost")
                                              .with(
                                                  number(q.get("price_per_kwh")),
                                                  q.get("currency"),
                                                  number(q.get("carbon_g_per_kwh")),
                                                  number(q.get("pue")));
                                      CampaignAnalysis analysis =
                                          CampaignAnalysis.analyse(
                                              meta,
                                              results,
                                              QualityMetric.fromCampaign(meta),
                                              cost);
                                      String baseline = q.get("baseline");
                                      return Recommendation.of(
                                              analysis,
                                              target,
                                              number(q.get("max_kbps")),
                                              baseline != null ? baseline : analysis.baseline(),
                                              "baseline")
                                          .put("campaign_id", id.toString());
                                    }))));
  }

  /** A query number the contract has already checked, or null when absent. */
  private static Double number(String value) {
    return value == null ? null : Double.valueOf(value);
  }

  private Future<JsonObject> campaign(UUID id) {
    return store
        .campaign(id)
        .map(
            meta -> {
              if (meta == null) {
                throw ApiErrors.notFound("campaign_id", "no campaign " + id);
              }
              return meta;
            });
  }
}
