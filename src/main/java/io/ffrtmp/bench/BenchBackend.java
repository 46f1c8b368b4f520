package io.ffrtmp.bench;

import static io.ffrtmp.node.Blocking.await;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.ClusterOptions;
import io.ffrtmp.cluster.ClusterSetup;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobState;
import io.ffrtmp.node.NodeConfig;
import io.ffrtmp.node.StandaloneNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where a bench campaign runs: on this machine (a standalone node: master and worker in this JVM,
 * the store at hand), or on a cluster this process joins as a client (everything through a master
 * over the event bus).
 */
interface BenchBackend extends AutoCloseable {

  Vertx vertx();

  /** This machine's worker snapshot (energy sources), or null when the jobs run on other nodes. */
  JsonObject localNode();

  /** Whether a campaign's idle baseline can be measured: only on a single local node. */
  boolean measuresIdleBaseline();

  Future<Map<JobState, Integer>> states(UUID campaignId);

  Future<JsonObject> meta(UUID campaignId);

  Future<List<JsonObject>> results(UUID campaignId);

  Future<Void> finished(UUID campaignId, JsonObject baseline);

  /** Stores a density campaign's summary with the campaign, for its API view and reports. */
  default Future<Void> density(UUID campaignId, JsonObject density) {
    return Future.failedFuture("a density campaign runs on this machine only");
  }

  /** Stores a campaign without jobs (a density campaign: its steps add them). Local only. */
  default Future<UUID> createEmpty(Campaign campaign, String actor) {
    return Future.failedFuture("a density campaign runs on this machine only");
  }

  /** Adds one density step's jobs and wakes the worker. Local only. */
  default Future<Void> addJobs(
      UUID campaignId, String configKey, List<JobSpec> specs, int seqFrom, String actor) {
    return Future.failedFuture("a density campaign runs on this machine only");
  }

  /** The application URL of this machine's RTMP server; null when it has none. */
  default java.net.URI rtmpApplication() {
    return null;
  }

  @Override
  void close();

  /** Master and worker in this JVM. */
  static BenchBackend local(NodeConfig config) throws Exception {
    StandaloneNode node = StandaloneNode.start(config);
    return new BenchBackend() {
      @Override
      public Vertx vertx() {
        return node.vertx();
      }

      @Override
      public JsonObject localNode() {
        return node.worker().node();
      }

      @Override
      public boolean measuresIdleBaseline() {
        return true;
      }

      @Override
      public Future<Map<JobState, Integer>> states(UUID id) {
        return node.store().campaignStates(id);
      }

      @Override
      public Future<JsonObject> meta(UUID id) {
        return node.store().campaign(id);
      }

      @Override
      public Future<List<JsonObject>> results(UUID id) {
        return node.store().campaignResults(id);
      }

      @Override
      public Future<Void> finished(UUID id, JsonObject baseline) {
        return node.store()
            .setCampaignBaseline(id, baseline, node.worker().node())
            .compose(v -> node.store().finishCampaign(id));
      }

      @Override
      public Future<Void> density(UUID id, JsonObject density) {
        return node.store().setCampaignDensity(id, density);
      }

      @Override
      public Future<UUID> createEmpty(Campaign campaign, String actor) {
        return node.store()
            .createCampaign(
                new Campaign(
                    campaign.name(),
                    campaign.description(),
                    campaign.source(),
                    List.of(),
                    1,
                    campaign.idleBaselineS(),
                    campaign.qualityMetric()),
                actor);
      }

      @Override
      public Future<Void> addJobs(
          UUID id, String configKey, List<JobSpec> specs, int seqFrom, String actor) {
        return node.store()
            .addCampaignJobs(id, configKey, specs, seqFrom, actor)
            .onSuccess(
                v ->
                    node.vertx()
                        .eventBus()
                        .publish(
                            Addresses.JOBS_AVAILABLE,
                            new JsonObject().put("campaign_id", id.toString())));
      }

      @Override
      public java.net.URI rtmpApplication() {
        return config.rtmp().applicationUrl();
      }

      @Override
      public void close() {
        node.close();
      }
    };
  }

  /**
   * A client in a running cluster: the campaign goes to a master, the jobs to the workers that
   * match.
   */
  static BenchBackend cluster(ClusterOptions options) throws Exception {
    Vertx vertx = await(ClusterSetup.start(options, new VertxOptions()), 120);
    DeliveryOptions call = new DeliveryOptions().setSendTimeout(60_000);
    return new BenchBackend() {
      private Future<JsonObject> campaign(UUID id) {
        return vertx
            .eventBus()
            .<JsonObject>request(
                Addresses.CAMPAIGN_RESULTS,
                new JsonObject().put("campaign_id", id.toString()),
                call)
            .map(m -> m.body());
      }

      @Override
      public Vertx vertx() {
        return vertx;
      }

      @Override
      public JsonObject localNode() {
        return null;
      }

      @Override
      public boolean measuresIdleBaseline() {
        return false;
      }

      @Override
      public Future<Map<JobState, Integer>> states(UUID id) {
        return campaign(id)
            .map(
                c -> {
                  Map<JobState, Integer> m = new EnumMap<>(JobState.class);
                  c.getJsonObject("states")
                      .forEach(
                          e -> m.put(JobState.of(e.getKey()), ((Number) e.getValue()).intValue()));
                  return m;
                });
      }

      @Override
      public Future<JsonObject> meta(UUID id) {
        return campaign(id).map(c -> c.getJsonObject("campaign"));
      }

      @Override
      public Future<List<JsonObject>> results(UUID id) {
        return campaign(id)
            .map(c -> c.getJsonArray("results").stream().map(JsonObject.class::cast).toList());
      }

      @Override
      public Future<Void> finished(UUID id, JsonObject baseline) {
        return Future.succeededFuture();
      }

      @Override
      public void close() {
        try {
          await(vertx.close(), 30);
        } catch (Exception e) {
          // leaving the cluster is best effort at exit
        }
      }
    };
  }
}
