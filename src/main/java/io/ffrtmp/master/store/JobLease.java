package io.ffrtmp.master.store;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** What a worker gets when it claims a job: the job, its attempt and the fencing token every later message must carry. */
public record JobLease(UUID jobId, UUID campaignId, String configKey, int repetition, int attempt, long fencingToken,
                       JsonObject spec) {

  public JsonObject toJson() {
    return new JsonObject()
      .put("job_id", jobId.toString())
      .put("campaign_id", campaignId == null ? null : campaignId.toString())
      .put("config_key", configKey)
      .put("repetition", repetition)
      .put("attempt", attempt)
      .put("fencing_token", fencingToken)
      .put("spec", spec);
  }

  public static JobLease fromJson(JsonObject j) {
    String campaign = j.getString("campaign_id");
    return new JobLease(UUID.fromString(j.getString("job_id")), campaign == null ? null : UUID.fromString(campaign),
      j.getString("config_key"), j.getInteger("repetition"), j.getInteger("attempt"), j.getLong("fencing_token"),
      j.getJsonObject("spec"));
  }
}
