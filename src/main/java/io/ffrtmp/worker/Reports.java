package io.ffrtmp.worker;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.BodyException;
import io.ffrtmp.cluster.JobReport;
import io.ffrtmp.cluster.JobUpdates;
import io.ffrtmp.cluster.JobUpdatesReply;
import io.ffrtmp.job.JobState;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's starts and results on their way to a master, through {@link Addresses#JOB_UPDATES}:
 * one request in flight at a time, and whatever is reported meanwhile goes together in the next. A
 * lone report costs one request as before; a node with many slots finishing many short jobs sends a
 * few requests instead of one per report. Each report's future completes with the job's state the
 * master answered for it, or fails with a {@link ReplyException} carrying the master's code for it
 * (409 stale, 400 malformed) or the request's own failure (no master, timeout). Event-loop
 * confined: used from the worker verticle's context only.
 */
final class Reports {

  private final Vertx vertx;
  private final String nodeId;
  private final DeliveryOptions call;
  private final List<Pending> queued = new ArrayList<>();
  private boolean sending;

  private record Pending(JobReport report, Promise<JobState> answer) {}

  Reports(Vertx vertx, String nodeId, DeliveryOptions call) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.call = call;
  }

  Future<JobState> send(JobReport report) {
    Promise<JobState> answer = Promise.promise();
    queued.add(new Pending(report, answer));
    flush();
    return answer.future();
  }

  private void flush() {
    if (sending || queued.isEmpty()) {
      return;
    }
    sending = true;
    List<Pending> batch =
        new ArrayList<>(queued.subList(0, Math.min(queued.size(), Addresses.MAX_BATCH)));
    queued.subList(0, batch.size()).clear();
    JobUpdates updates = new JobUpdates(nodeId, batch.stream().map(Pending::report).toList());
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.JOB_UPDATES, updates.toJson(), call)
        .onComplete(
            ar -> {
              answer(batch, ar);
              // Reports made while the answers were handed out went into the queue: they leave
              // together now.
              sending = false;
              flush();
            });
  }

  private static void answer(List<Pending> batch, AsyncResult<Message<JsonObject>> ar) {
    if (ar.failed()) {
      batch.forEach(p -> p.answer().fail(ar.cause()));
      return;
    }
    List<JobUpdatesReply.Answer> answers;
    try {
      answers =
          ar.result().body() == null
              ? List.of()
              : JobUpdatesReply.fromJson(ar.result().body()).updates();
    } catch (BodyException e) {
      batch.forEach(
          p ->
              p.answer()
                  .fail(refusal(Addresses.INTERNAL, "the master's answer is malformed: " + e)));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      Promise<JobState> p = batch.get(i).answer();
      if (i >= answers.size()) {
        p.fail(refusal(Addresses.INTERNAL, "the master answered no report"));
      } else if (answers.get(i).isTaken()) {
        p.complete(answers.get(i).state());
      } else {
        p.fail(refusal(answers.get(i).code(), answers.get(i).error()));
      }
    }
  }

  private static ReplyException refusal(int code, String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message);
  }
}
