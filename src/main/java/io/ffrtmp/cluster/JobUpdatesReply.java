package io.ffrtmp.cluster;

import io.ffrtmp.job.JobState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A master's answer to {@link JobUpdates}: one {@link Answer} per report, in the order of the
 * reports.
 */
public record JobUpdatesReply(List<Answer> updates) {

  public JobUpdatesReply {
    updates = List.copyOf(updates);
  }

  /**
   * What became of one report: taken, with the job's state now, or refused with a failure code
   * (409: the token is not current) and why.
   */
  public record Answer(UUID jobId, JobState state, int code, String error) {

    public static Answer taken(UUID jobId, JobState state) {
      return new Answer(jobId, state, 0, null);
    }

    public static Answer refused(UUID jobId, int code, String error) {
      return new Answer(jobId, null, code, error);
    }

    public boolean isTaken() {
      return state != null;
    }

    public JsonObject toJson() {
      JsonObject j = new JsonObject().put("job_id", jobId.toString());
      return isTaken() ? j.put("state", state.id()) : j.put("code", code).put("error", error);
    }

    /** A refusal that gives no code counts as the master's failure (500). */
    public static Answer fromJson(JsonObject j) {
      UUID job = BodyFields.uuid(j, "job_id");
      String state = j.getString("state");
      if (state == null) {
        return refused(
            job, BodyFields.integer(j, "code", Addresses.INTERNAL), j.getString("error"));
      }
      try {
        return taken(job, JobState.of(state));
      } catch (IllegalArgumentException e) {
        throw new BodyException("state", "'" + state + "' is not a job state");
      }
    }
  }

  public JsonObject toJson() {
    JsonArray items = new JsonArray(new ArrayList<>(updates.size()));
    updates.forEach(a -> items.add(a.toJson()));
    return new JsonObject().put("updates", items);
  }

  public static JobUpdatesReply fromJson(JsonObject j) {
    JsonArray items = BodyFields.array(j, "updates", new JsonArray());
    List<Answer> answers = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      answers.add(BodyFields.item(items, "updates", i, Answer::fromJson));
    }
    return new JobUpdatesReply(answers);
  }
}
