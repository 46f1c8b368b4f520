package io.ffrtmp.master;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.BodyException;
import io.ffrtmp.cluster.BodyFields;
import io.ffrtmp.job.JobEvent;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobState;
import io.ffrtmp.master.store.JobQueries;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The client's single jobs: submit one, look one up, cancel one (queued, or running: its worker is
 * told to stop).
 */
final class JobRequests {

  private final EventBus bus;
  private final JobQueries queries;

  JobRequests(EventBus bus, JobQueries queries) {
    this.bus = bus;
    this.queries = queries;
  }

  Future<JsonObject> submit(JsonObject body) {
    JobSpec spec = spec(body);
    return queries
        .submit(spec, BodyFields.string(body, "actor", "event-bus"))
        .map(
            job -> {
              String id = job.getString("job_id");
              bus.publish(Addresses.JOBS_AVAILABLE, new JsonObject().put("job_id", id));
              bus.publish(
                  Addresses.JOB_EVENTS,
                  JobEvent.submitted(UUID.fromString(id), job.getString("config_key")).toJson());
              return job;
            });
  }

  Future<JsonObject> get(JsonObject body) {
    UUID id = BodyFields.uuid(body, "job_id");
    return queries
        .get(id)
        .compose(
            j ->
                j.map(Future::succeededFuture)
                    .orElseGet(() -> Refusal.of(Addresses.NOT_FOUND, "job_id: no job " + id)));
  }

  Future<JsonObject> cancel(JsonObject body) {
    UUID id = BodyFields.uuid(body, "job_id");
    String reason = ClientBodies.reason(body);
    return queries
        .cancel(id, ClientBodies.actor(body), reason)
        .compose(
            c ->
                switch (c.outcome()) {
                  case NOT_FOUND -> Refusal.of(Addresses.NOT_FOUND, "job_id: no job " + id);
                  case CONFLICT ->
                      Refusal.of(
                          Addresses.CONFLICT,
                          "job_id: the job is "
                              + c.before().id()
                              + "; only unfinished jobs can be canceled");
                  case CANCEL_REQUESTED, DONE -> {
                    if (c.outcome() == JobQueries.Outcome.CANCEL_REQUESTED) {
                      bus.publish(
                          Addresses.WORKER_CANCEL,
                          new JsonObject().put("job_id", id.toString()).put("reason", reason));
                    }
                    bus.publish(
                        Addresses.JOB_EVENTS,
                        JobEvent.of(
                                id, null, null, c.attempt(), c.before(), JobState.CANCELED, reason)
                            .toJson());
                    yield Future.succeededFuture(
                        new JsonObject()
                            .put("job_id", id.toString())
                            .put("state", JobState.CANCELED.id())
                            .put("was", c.before().id()));
                  }
                });
  }

  /** The job spec of a submit body; a SpecException names the field inside it. */
  private static JobSpec spec(JsonObject body) {
    try {
      return JobSpec.fromJson(
          body.getValue("spec") == null ? new JsonObject() : body.getJsonObject("spec"));
    } catch (ClassCastException e) {
      throw new BodyException("spec", "accepted: a job spec object");
    }
  }
}
