package io.ffrtmp.job;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * What a worker gets when it claims a job: the job with its parsed spec, its attempt and the
 * fencing token every later message must carry. Travels as {@link #toJson()} in the reply to {@code
 * ffrtmp.master.work.request}.
 */
public record JobLease(
    UUID jobId,
    UUID campaignId,
    String configKey,
    int repetition,
    int attempt,
    long fencingToken,
    JobSpec spec) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("job_id", jobId.toString())
        .put("campaign_id", campaignId == null ? null : campaignId.toString())
        .put("config_key", configKey)
        .put("repetition", repetition)
        .put("attempt", attempt)
        .put("fencing_token", fencingToken)
        .put("spec", spec.toJson());
  }

  /**
   * A lease as a master sent it. The spec is validated like any other (a master of another version
   * may send one this worker cannot run): a {@link SpecException} then carries the field, and
   * {@link Fence#of} still names the lease so the worker can report the failure.
   */
  public static JobLease fromJson(JsonObject j) {
    Fence fence = Fence.of(j);
    String campaign = j.getString("campaign_id");
    return new JobLease(
        fence.jobId(),
        campaign == null ? null : UUID.fromString(campaign),
        j.getString("config_key"),
        j.getInteger("repetition"),
        j.getInteger("attempt"),
        fence.token(),
        JobSpec.fromJson(j.getJsonObject("spec")));
  }

  /** The job and the token that fence every report about this attempt. */
  public Fence fence() {
    return new Fence(jobId, fencingToken);
  }

  /**
   * Which attempt of which job a report is about: the part of a lease every message back to a
   * master carries.
   */
  public record Fence(UUID jobId, long token) {

    public static Fence of(JsonObject j) {
      return new Fence(UUID.fromString(j.getString("job_id")), j.getLong("fencing_token"));
    }
  }
}
