package io.ffrtmp.master;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.JobState;
import io.ffrtmp.job.SpecException;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.master.store.JobQueries;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.master.store.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
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
  private final NodeStore nodes;
  private final JobQueries queries;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public MasterVerticle(JobStore store) {
    this.store = store;
    this.nodes = new NodeStore(store.pool());
    this.queries = new JobQueries(store.pool(), store.settings().maxAttempts());
  }

  @Override
  public Future<?> start() {
    on(Addresses.CAMPAIGN_SUBMIT, this::submitCampaign);
    on(Addresses.CAMPAIGN_CANCEL, this::cancelCampaign);
    on(Addresses.WORK_REQUEST, this::workRequest);
    on(Addresses.JOB_STARTED, this::jobStarted);
    on(Addresses.JOB_RESULT, this::jobResult);
    on(Addresses.JOB_UPDATES, this::jobUpdates);
    on(Addresses.JOB_SUBMIT, this::jobSubmit);
    on(Addresses.JOB_GET, this::jobGet);
    on(Addresses.JOB_CANCEL, this::jobCancel);
    on(Addresses.CAMPAIGN_RESULTS, this::campaignResults);
    on(Addresses.NODE_REGISTER, this::nodeRegister);
    on(Addresses.NODE_HEARTBEAT, this::nodeHeartbeat);
    on(Addresses.NODE_LIST,
      m -> nodes.list().onSuccess(l -> m.reply(new JsonObject().put("nodes", new JsonArray(l)))).onFailure(e -> fail(m, e)));
    on(Addresses.NODE_GET, m -> nodeReply(m, nodes::get));
    on(Addresses.NODE_DRAIN, m -> nodeReply(m, nodes::drain));
    on(Addresses.NODE_RESUME, m -> nodeReply(m, id -> nodes.resume(id)
      .onSuccess(n -> vertx.eventBus().publish(Addresses.JOBS_AVAILABLE, new JsonObject()))));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  /**
   * Registers a consumer whose handler never leaves a request unanswered: a body of the wrong shape (a string where an
   * object belongs, a malformed id) is answered 400 with what was wrong, not dropped with a stack trace in the log.
   */
  private void on(String address, Handler<Message<JsonObject>> handler) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, msg -> {
      try {
        if (msg.body() == null) {
          msg.fail(Addresses.BAD_REQUEST, "body: required, a JSON object (see docs/event-bus.md for " + address + ")");
          return;
        }
        handler.handle(msg);
      } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
        msg.fail(Addresses.BAD_REQUEST, "body: malformed for " + address + " (" + e.getMessage()
          + "); accepted: the fields and types in docs/event-bus.md");
      }
    }));
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
    Future<Campaign> placed = !campaign.everyNode() && !body.getBoolean("every_node", false)
      ? Future.succeededFuture(campaign)
      : nodes.list().map(all -> campaign.onEveryNode(all.stream().filter(n -> "up".equals(n.getString("state")))
        .map(n -> n.getString("node_id")).toList()));
    placed.compose(c -> store.createCampaign(c, body.getString("actor", "api")).map(id -> new JsonObject()
        .put("campaign_id", id.toString()).put("jobs", c.jobCount())))
      .onSuccess(reply -> {
        vertx.eventBus().publish(Addresses.JOBS_AVAILABLE, new JsonObject().put("campaign_id", reply.getString("campaign_id")));
        msg.reply(reply);
      })
      .onFailure(e -> {
        if (e instanceof SpecException se) {
          msg.fail(Addresses.BAD_REQUEST, se.toString());
        } else {
          fail(msg, e);
        }
      });
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
    UUID instance = uuid(msg, "instance_id");
    if (instance == null) {
      return;
    }
    if (nodeId == null || nodeId.isBlank()) {
      msg.fail(Addresses.BAD_REQUEST, "node_id: required");
      return;
    }
    Integer max = msg.body().getInteger("max_jobs", 1);
    if (max == null || max < 1 || max > Addresses.MAX_BATCH) {
      msg.fail(Addresses.BAD_REQUEST, "max_jobs: accepted: 1 to " + Addresses.MAX_BATCH + " (the node's free slots)");
      return;
    }
    store.claim(nodeId, instance, msg.body().getInteger("running", 0) > 0, max)
      .onSuccess(leases -> {
        JsonArray out = new JsonArray(new ArrayList<>(leases.size()));
        for (var lease : leases) {
          JsonObject l = lease.toJson();
          publishEvent(l, JobState.QUEUED, JobState.LEASED, "claimed by " + nodeId);
          out.add(l);
        }
        msg.reply(new JsonObject().put("leases", out));
      })
      .onFailure(e -> fail(msg, e));
  }

  /** Several starts and results of one worker in one request; see {@link Addresses#JOB_UPDATES}. */
  private void jobUpdates(Message<JsonObject> msg) {
    JsonObject b = msg.body();
    JsonArray items = b.getJsonArray("updates");
    if (items == null || items.isEmpty() || items.size() > Addresses.MAX_BATCH) {
      msg.fail(Addresses.BAD_REQUEST, "updates: required, 1 to " + Addresses.MAX_BATCH + " reports");
      return;
    }
    List<JobStore.Update> updates = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      String at = "updates[" + i + "].";
      JsonObject u = items.getJsonObject(i);
      if (u == null) {
        msg.fail(Addresses.BAD_REQUEST, "updates[" + i + "]: accepted: an object");
        return;
      }
      UUID id;
      try {
        id = UUID.fromString(u.getString("job_id"));
      } catch (RuntimeException e) {
        msg.fail(Addresses.BAD_REQUEST, at + "job_id: '" + u.getValue("job_id") + "' is not a UUID");
        return;
      }
      Long token = u.getLong("fencing_token");
      if (token == null) {
        msg.fail(Addresses.BAD_REQUEST, at + "fencing_token: required, the lease's token");
        return;
      }
      JobState to;
      try {
        to = JobState.of(u.getString("state", ""));
      } catch (IllegalArgumentException e) {
        to = null;
      }
      if (to == null || !(to == JobState.RUNNING || to.terminal())) {
        msg.fail(Addresses.BAD_REQUEST, at + "state: accepted: running, succeeded, failed, canceled");
        return;
      }
      updates.add(new JobStore.Update(id, token, to, u.getBoolean("retryable", false), u.getJsonObject("result"),
        u.getString("error")));
    }
    String nodeId = b.getString("node_id", "worker");
    store.apply(nodeId, updates).onSuccess(applied -> {
      JsonArray out = new JsonArray(new ArrayList<>(applied.size()));
      for (int i = 0; i < applied.size(); i++) {
        JobStore.Applied a = applied.get(i);
        JobStore.Update u = updates.get(i);
        if (a.failure() != null) {
          int code = a.failure() instanceof JobStore.StaleLeaseException ? Addresses.CONFLICT : Addresses.UNAVAILABLE;
          out.add(new JsonObject().put("job_id", a.jobId().toString()).put("code", code).put("error", a.failure().getMessage()));
          continue;
        }
        if (a.from() != null) {
          JsonObject job = new JsonObject().put("job_id", a.jobId().toString())
            .put("campaign_id", a.campaignId() == null ? null : a.campaignId().toString())
            .put("config_key", a.configKey()).put("attempt", a.attempt());
          publishEvent(job, a.from(), a.state(), u.to() == JobState.RUNNING ? "started on " + nodeId : u.reason());
        }
        out.add(new JsonObject().put("job_id", a.jobId().toString()).put("state", a.state().id()));
      }
      msg.reply(new JsonObject().put("updates", out));
    }).onFailure(e -> fail(msg, e));
  }

  private void nodeRegister(Message<JsonObject> msg) {
    JsonObject b = msg.body();
    if (b == null || b.getString("node_id") == null || uuid(msg, "instance_id") == null) {
      if (b == null || b.getString("node_id") == null) {
        msg.fail(Addresses.BAD_REQUEST, "node_id: required");
      }
      return;
    }
    nodes.register(b, store.settings().lease())
      .onSuccess(n -> {
        LOG.info("node {} registered ({}, {} slot(s), state {})", n.getString("node_id"), n.getString("host"),
          n.getInteger("slots"), n.getString("state"));
        msg.reply(n);
        vertx.eventBus().publish(Addresses.JOBS_AVAILABLE, new JsonObject());
      })
      .onFailure(e -> fail(msg, e));
  }

  private void nodeHeartbeat(Message<JsonObject> msg) {
    JsonObject b = msg.body();
    UUID instance = uuid(msg, "instance_id");
    if (instance == null) {
      return;
    }
    nodes.heartbeat(b.getString("node_id"), instance, b.getJsonArray("running", new JsonArray()), b.getInteger("free_slots", 0),
        b.getDouble("watts"), b.getString("watts_source"), store.settings().lease())
      .onSuccess(msg::reply)
      .onFailure(e -> fail(msg, e));
  }

  private void nodeReply(Message<JsonObject> msg, java.util.function.Function<String, Future<java.util.Optional<JsonObject>>> op) {
    String id = msg.body() == null ? null : msg.body().getString("node_id");
    if (id == null) {
      msg.fail(Addresses.BAD_REQUEST, "node_id: required");
      return;
    }
    op.apply(id).onSuccess(n -> {
      if (n.isEmpty()) {
        msg.fail(Addresses.NOT_FOUND, "node_id: no node " + id);
      } else {
        msg.reply(n.get());
      }
    }).onFailure(e -> fail(msg, e));
  }

  private void jobSubmit(Message<JsonObject> msg) {
    JobSpec spec;
    try {
      spec = JobSpec.fromJson(msg.body() == null ? new JsonObject() : msg.body().getJsonObject("spec", new JsonObject()));
    } catch (SpecException e) {
      msg.fail(Addresses.BAD_REQUEST, e.toString());
      return;
    } catch (ClassCastException e) {
      msg.fail(Addresses.BAD_REQUEST, "spec: accepted: a job spec object");
      return;
    }
    queries.submit(spec, msg.body().getString("actor", "event-bus")).onSuccess(job -> {
      vertx.eventBus().publish(Addresses.JOBS_AVAILABLE, new JsonObject().put("job_id", job.getString("job_id")));
      vertx.eventBus().publish(Addresses.JOB_EVENTS, new JsonObject().put("job_id", job.getString("job_id"))
        .put("config_key", job.getString("config_key")).put("attempt", 0).put("to", JobState.QUEUED.id())
        .put("reason", "submitted"));
      msg.reply(job);
    }).onFailure(e -> fail(msg, e));
  }

  private void jobGet(Message<JsonObject> msg) {
    UUID id = uuid(msg, "job_id");
    if (id == null) {
      return;
    }
    queries.get(id).onSuccess(j -> {
      if (j.isEmpty()) {
        msg.fail(Addresses.NOT_FOUND, "job_id: no job " + id);
      } else {
        msg.reply(j.get());
      }
    }).onFailure(e -> fail(msg, e));
  }

  private void jobCancel(Message<JsonObject> msg) {
    UUID id = uuid(msg, "job_id");
    if (id == null) {
      return;
    }
    String reason = msg.body().getString("reason", "canceled");
    queries.cancel(id, msg.body().getString("actor", "api"), reason).onSuccess(c -> {
      switch (c.outcome()) {
        case NOT_FOUND -> msg.fail(Addresses.NOT_FOUND, "job_id: no job " + id);
        case CONFLICT -> msg.fail(Addresses.CONFLICT, "job_id: the job is " + c.before().id()
          + "; only unfinished jobs can be canceled");
        default -> {
          if (c.outcome() == JobQueries.Outcome.CANCEL_REQUESTED) {
            vertx.eventBus().publish(Addresses.WORKER_CANCEL, new JsonObject().put("job_id", id.toString()).put("reason", reason));
          }
          vertx.eventBus().publish(Addresses.JOB_EVENTS, new JsonObject().put("job_id", id.toString())
            .put("attempt", c.attempt()).put("from", c.before().id()).put("to", JobState.CANCELED.id()).put("reason", reason));
          msg.reply(new JsonObject().put("job_id", id.toString()).put("state", JobState.CANCELED.id())
            .put("was", c.before().id()));
        }
      }
    }).onFailure(e -> fail(msg, e));
  }

  private void campaignResults(Message<JsonObject> msg) {
    UUID id = uuid(msg, "campaign_id");
    if (id == null) {
      return;
    }
    store.campaign(id).compose(c -> {
      if (c == null) {
        return Future.succeededFuture((JsonObject) null);
      }
      return store.campaignStates(id).compose(states -> store.campaignResults(id).map(results -> {
        JsonObject st = new JsonObject();
        states.forEach((k, v) -> st.put(k.id(), v));
        return new JsonObject().put("campaign", c).put("states", st).put("results", new JsonArray(results));
      }));
    }).onSuccess(r -> {
      if (r == null) {
        msg.fail(Addresses.NOT_FOUND, "campaign_id: no campaign " + id);
      } else {
        msg.reply(r);
      }
    }).onFailure(e -> fail(msg, e));
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
    store.complete(id, b.getLong("fencing_token", -1L), to, b.getBoolean("retryable", false),
        b.getJsonObject("result", new JsonObject()), b.getString("node_id", "worker"), reason)
      .onSuccess(s -> {
        publishEvent(b.getJsonObject("result", new JsonObject()).copy().put("job_id", id.toString()), JobState.RUNNING, s, reason);
        if (s == JobState.RETRY_WAIT) {
          LOG.info("job {} failed on {} (transient: {}); it will be retried", id, b.getString("node_id"), reason);
        }
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
    if (e instanceof JobStore.StaleLeaseException || e instanceof NodeStore.NodeConflictException) {
      msg.fail(Addresses.CONFLICT, e.getMessage());
    } else if (e instanceof ReplyException r) {
      msg.fail(r.failureCode(), r.getMessage());
    } else if (e instanceof io.vertx.pgclient.PgException pg) {
      // A database that refuses (constraint, bad value) is a bug here; log it whole, answer briefly.
      LOG.error("master request failed in the database", e);
      msg.fail(Addresses.INTERNAL, "database error " + pg.getSqlState());
    } else {
      // Lost connections and a database that is restarting land here: the caller may try again.
      LOG.warn("master request failed: {}", e.toString());
      msg.fail(Addresses.UNAVAILABLE, "the job store is unavailable: " + e.getMessage());
    }
  }
}
