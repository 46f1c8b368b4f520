package io.ffrtmp.master;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.JobState;
import io.ffrtmp.job.SpecException;
import io.ffrtmp.master.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's event-bus face: takes campaigns, hands out leases, records starts and results (fenced), and publishes
 * every state change. The rules live in {@link JobStore}; this class only wires addresses to it.
 */
public final class MasterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MasterVerticle.class);

  private final JobStore store;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public MasterVerticle(JobStore store) {
    this.store = store;
  }

  @Override
  public Future<?> start() {
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.CAMPAIGN_SUBMIT, this::submitCampaign));
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.CAMPAIGN_CANCEL, this::cancelCampaign));
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.WORK_REQUEST, this::workRequest));
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.JOB_STARTED, this::jobStarted));
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.JOB_RESULT, this::jobResult));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  private void submitCampaign(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    Campaign campaign;
    try {
      campaign = Campaign.parse(body.getJsonObject("campaign", new JsonObject()), body.getString("name", "campaign"));
    } catch (SpecException e) {
      msg.fail(Addresses.BAD_REQUEST, e.toString());
      return;
    }
    store.createCampaign(campaign, body.getString("actor", "api"))
      .onSuccess(id -> {
        vertx.eventBus().publish(Addresses.JOBS_AVAILABLE, new JsonObject().put("campaign_id", id.toString()));
        msg.reply(new JsonObject().put("campaign_id", id.toString()).put("jobs", campaign.jobCount()));
      })
      .onFailure(e -> fail(msg, e));
  }

  private void cancelCampaign(Message<JsonObject> msg) {
    UUID id = uuid(msg, "campaign_id");
    if (id == null) {
      return;
    }
    String reason = msg.body().getString("reason", "canceled");
    store.cancelQueued(id, msg.body().getString("actor", "api"), reason)
      .onSuccess(n -> {
        vertx.eventBus().publish(Addresses.WORKER_CANCEL, new JsonObject().put("campaign_id", id.toString()).put("reason", reason));
        vertx.eventBus().publish(Addresses.JOB_EVENTS, new JsonObject().put("campaign_id", id.toString())
          .put("to", JobState.CANCELED.id()).put("count", n).put("reason", reason));
        msg.reply(new JsonObject().put("canceled", n));
      })
      .onFailure(e -> fail(msg, e));
  }

  private void workRequest(Message<JsonObject> msg) {
    String nodeId = msg.body().getString("node_id");
    if (nodeId == null || nodeId.isBlank()) {
      msg.fail(Addresses.BAD_REQUEST, "node_id: required");
      return;
    }
    store.claim(nodeId, msg.body().getInteger("running", 0) > 0)
      .onSuccess(lease -> {
        if (lease.isEmpty()) {
          msg.reply(new JsonObject());
          return;
        }
        JsonObject l = lease.get().toJson();
        publishEvent(l, JobState.QUEUED, JobState.LEASED, "claimed by " + nodeId);
        msg.reply(l);
      })
      .onFailure(e -> fail(msg, e));
  }

  private void jobStarted(Message<JsonObject> msg) {
    UUID id = uuid(msg, "job_id");
    if (id == null) {
      return;
    }
    JsonObject b = msg.body();
    store.move(id, b.getLong("fencing_token", -1L), JobState.RUNNING, b.getString("node_id", "worker"), "started")
      .onSuccess(s -> {
        publishEvent(b, JobState.LEASED, JobState.RUNNING, "started on " + b.getString("node_id"));
        msg.reply(new JsonObject().put("state", s.id()));
      })
      .onFailure(e -> fail(msg, e));
  }

  private void jobResult(Message<JsonObject> msg) {
    UUID id = uuid(msg, "job_id");
    if (id == null) {
      return;
    }
    JsonObject b = msg.body();
    JobState to;
    try {
      to = JobState.of(b.getString("state", ""));
    } catch (IllegalArgumentException e) {
      msg.fail(Addresses.BAD_REQUEST, "state: accepted: succeeded, failed, canceled");
      return;
    }
    if (!to.terminal()) {
      msg.fail(Addresses.BAD_REQUEST, "state: accepted: succeeded, failed, canceled");
      return;
    }
    String reason = to == JobState.SUCCEEDED ? "finished" : b.getString("error", to.id());
    store.complete(id, b.getLong("fencing_token", -1L), to, b.getJsonObject("result", new JsonObject()),
        b.getString("node_id", "worker"), reason)
      .onSuccess(s -> {
        publishEvent(b.getJsonObject("result", new JsonObject()).copy().put("job_id", id.toString()), JobState.RUNNING, to, reason);
        msg.reply(new JsonObject().put("state", s.id()));
      })
      .onFailure(e -> fail(msg, e));
  }

  private void publishEvent(JsonObject job, JobState from, JobState to, String reason) {
    vertx.eventBus().publish(Addresses.JOB_EVENTS, new JsonObject()
      .put("job_id", job.getString("job_id"))
      .put("campaign_id", job.getString("campaign_id"))
      .put("config_key", job.getString("config_key"))
      .put("attempt", job.getInteger("attempt"))
      .put("from", from.id())
      .put("to", to.id())
      .put("reason", reason));
  }

  private static UUID uuid(Message<JsonObject> msg, String field) {
    String v = msg.body() == null ? null : msg.body().getString(field);
    try {
      return UUID.fromString(v);
    } catch (RuntimeException e) {
      msg.fail(Addresses.BAD_REQUEST, field + ": '" + v + "' is not a UUID");
      return null;
    }
  }

  private static void fail(Message<?> msg, Throwable e) {
    if (e instanceof JobStore.StaleLeaseException) {
      msg.fail(Addresses.CONFLICT, e.getMessage());
    } else if (e instanceof ReplyException r) {
      msg.fail(r.failureCode(), r.getMessage());
    } else {
      LOG.error("master request failed", e);
      msg.fail(Addresses.INTERNAL, String.valueOf(e.getMessage()));
    }
  }
}
