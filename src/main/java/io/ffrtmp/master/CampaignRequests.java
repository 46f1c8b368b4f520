package io.ffrtmp.master;

import io.ffrtmp.analysis.CampaignSettings;
import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.BodyFields;
import io.ffrtmp.cluster.NodeState;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.JobEvent;
import io.ffrtmp.job.SpecException;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.master.store.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The client's campaigns: submit one (placed on every node that is up when it asks), cancel one,
 * fetch its results.
 */
final class CampaignRequests {

  private final Vertx vertx;
  private final EventBus bus;
  private final JobStore store;
  private final NodeStore nodes;
  private final int maxJobs;

  /**
   * {@code maxJobs}: the most jobs one campaign may expand to (the master's {@code
   * --max-campaign-jobs}).
   */
  CampaignRequests(Vertx vertx, JobStore store, NodeStore nodes, int maxJobs) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.store = store;
    this.nodes = nodes;
    this.maxJobs = maxJobs;
  }

  /**
   * {@code {"campaign": {...file...}, "name", "actor", "every_node"}} → {@code {"campaign_id",
   * "jobs"}}.
   */
  Future<JsonObject> submit(JsonObject body) {
    JsonObject file = BodyFields.object(body, "campaign", new JsonObject());
    String name = BodyFields.string(body, "name", "campaign");
    boolean everyNode = BodyFields.bool(body, "every_node", false);
    // Expansion and validation take time in proportion to the jobs: on a worker thread, unordered
    // so that one large
    // campaign does not hold up the next request's blocking work.
    Future<Campaign> parsed =
        vertx.executeBlocking(
            () -> {
              Campaign c = CampaignSettings.check(Campaign.parse(file, name, maxJobs));
              if (c.density() != null) {
                throw new SpecException(
                    "density",
                    "a density campaign measures one node and is run there with 'ffrtmp bench"
                        + " CAMPAIGN'; accepted here: a campaign without density");
              }
              return c;
            },
            false);
    Future<Campaign> placed =
        parsed.compose(
            campaign ->
                !campaign.everyNode() && !everyNode
                    ? Future.succeededFuture(campaign)
                    : nodes
                        .list()
                        .map(
                            all ->
                                campaign.onEveryNode(
                                    all.stream()
                                        .filter(n -> NodeState.UP.id().equals(n.getString("state")))
                                        .map(n -> n.getString("node_id"))
                                        .toList(),
                                    maxJobs)));
    return placed.compose(
        c ->
            store
                .createCampaign(c, ClientBodies.actor(body))
                .map(
                    id -> {
                      bus.publish(
                          Addresses.JOBS_AVAILABLE,
                          new JsonObject().put("campaign_id", id.toString()));
                      return new JsonObject()
                          .put("campaign_id", id.toString())
                          .put("jobs", c.jobCount());
                    }));
  }

  /** Cancels what has not finished; the workers running its jobs are told to stop them. */
  Future<JsonObject> cancel(JsonObject body) {
    UUID id = BodyFields.uuid(body, "campaign_id");
    String reason = ClientBodies.reason(body);
    return store
        .cancelQueued(id, ClientBodies.actor(body), reason)
        .map(
            n -> {
              bus.publish(
                  Addresses.WORKER_CANCEL,
                  new JsonObject().put("campaign_id", id.toString()).put("reason", reason));
              bus.publish(Addresses.JOB_EVENTS, JobEvent.campaignCanceled(id, n, reason).toJson());
              return new JsonObject().put("canceled", n);
            });
  }

  /** {@code {"campaign", "states", "results"}}; 404 for an unknown campaign. */
  Future<JsonObject> results(JsonObject body) {
    UUID id = BodyFields.uuid(body, "campaign_id");
    return store
        .campaign(id)
        .compose(
            c -> {
              if (c == null) {
                return Refusal.of(Addresses.NOT_FOUND, "campaign_id: no campaign " + id);
              }
              return store
                  .campaignStates(id)
                  .compose(
                      states ->
                          store
                              .campaignResults(id)
                              .map(
                                  results -> {
                                    JsonObject st = new JsonObject();
                                    states.forEach((k, v) -> st.put(k.id(), v));
                                    return new JsonObject()
                                        .put("campaign", c)
                                        .put("states", st)
                                        .put("results", new JsonArray(results));
                                  }));
            });
  }
}
