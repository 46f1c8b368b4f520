package io.ffrtmp.worker;

import io.ffrtmp.cluster.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's starts and results on their way to a master, through {@link Addresses#JOB_UPDATES}: one request in flight
 * at a time, and whatever is reported meanwhile goes together in the next. A lone report costs one request as before;
 * a node with many slots finishing many short jobs sends a few requests instead of one per report. Each report's future
 * completes with the master's answer for it ({@code {"job_id", "state"}}), or fails with a {@link ReplyException}
 * carrying the master's code for it (409 stale, 400 malformed) or the request's own failure (no master, timeout).
 * Event-loop confined: used from the worker verticle's context only.
 */
final class Reports {

  private final Vertx vertx;
  private final String nodeId;
  private final DeliveryOptions call;
  private final List<Pending> queued = new ArrayList<>();
  private boolean sending;

  private record Pending(JsonObject report, Promise<JsonObject> answer) {
  }

  Reports(Vertx vertx, String nodeId, DeliveryOptions call) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.call = call;
  }

  /** Queues one report ({@code job_id}, {@code fencing_token}, {@code state} and, for a result, its fields). */
  Future<JsonObject> send(JsonObject report) {
    Promise<JsonObject> answer = Promise.promise();
    queued.add(new Pending(report, answer));
    flush();
    return answer.future();
  }

  private void flush() {
    if (sending || queued.isEmpty()) {
      return;
    }
    sending = true;
    List<Pending> batch = new ArrayList<>(queued.subList(0, Math.min(queued.size(), Addresses.MAX_BATCH)));
    queued.subList(0, batch.size()).clear();
    JsonArray updates = new JsonArray(new ArrayList<>(batch.size()));
    batch.forEach(p -> updates.add(p.report()));
    vertx.eventBus().<JsonObject>request(Addresses.JOB_UPDATES, new JsonObject().put("node_id", nodeId).put("updates", updates),
      call).onComplete(ar -> {
        JsonArray answers = ar.succeeded() && ar.result().body() != null ? ar.result().body().getJsonArray("updates") : null;
        for (int i = 0; i < batch.size(); i++) {
          Promise<JsonObject> p = batch.get(i).answer();
          if (ar.failed()) {
            p.fail(ar.cause());
          } else if (answers == null || i >= answers.size()) {
            p.fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Addresses.INTERNAL, "the master answered no report"));
          } else if (answers.getJsonObject(i).containsKey("state")) {
            p.complete(answers.getJsonObject(i));
          } else {
            JsonObject refused = answers.getJsonObject(i);
            p.fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, refused.getInteger("code", Addresses.INTERNAL),
              refused.getString("error")));
          }
        }
        // Reports made while the answers were handed out went into the queue: they leave together now.
        sending = false;
        flush();
      });
  }
}
