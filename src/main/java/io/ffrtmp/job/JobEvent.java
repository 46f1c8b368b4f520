package io.ffrtmp.job;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * A job's state change, as published on {@code ffrtmp.job.events} and streamed to API clients:
 * which job (or, for a campaign canceled at once, which campaign and how many of its jobs), from
 * which state to which, and why. Built here only, so every publisher sends the same body
 * (docs/event-bus.md).
 *
 * @param jobId null for a campaign-wide cancel
 * @param from null when the job was just queued
 * @param attempt null for a campaign-wide cancel
 * @param nodeId the node the job was on, when the change concerns one (housekeeping); else null
 * @param count jobs concerned by a campaign-wide cancel; else null
 */
public record JobEvent(
    UUID jobId,
    UUID campaignId,
    String configKey,
    Integer attempt,
    JobState from,
    JobState to,
    String reason,
    String nodeId,
    Integer count) {

  public JobEvent {
    if (to == null || reason == null) {
      throw new IllegalArgumentException("a job event needs its new state and a reason");
    }
  }

  /** One job's change. */
  public static JobEvent of(
      UUID jobId,
      UUID campaignId,
      String configKey,
      int attempt,
      JobState from,
      JobState to,
      String reason) {
    return new JobEvent(jobId, campaignId, configKey, attempt, from, to, reason, null, null);
  }

  /** A single job just queued (attempt 0, no campaign). */
  public static JobEvent submitted(UUID jobId, String configKey) {
    return of(jobId, null, configKey, 0, null, JobState.QUEUED, "submitted");
  }

  /**
   * The queued jobs of a campaign canceled in one statement; its running jobs report their own
   * ends.
   */
  public static JobEvent campaignCanceled(UUID campaignId, int count, String reason) {
    return new JobEvent(null, campaignId, null, null, null, JobState.CANCELED, reason, null, count);
  }

  /** The same change, noting the node it happened on. */
  public JobEvent onNode(String node) {
    return new JobEvent(jobId, campaignId, configKey, attempt, from, to, reason, node, count);
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject();
    if (jobId != null) {
      j.put("job_id", jobId.toString());
    }
    j.put("campaign_id", campaignId == null ? null : campaignId.toString());
    if (jobId != null) {
      j.put("config_key", configKey)
          .put("attempt", attempt)
          .put("from", from == null ? null : from.id());
    }
    j.put("to", to.id()).put("reason", reason);
    if (nodeId != null) {
      j.put("node_id", nodeId);
    }
    if (count != null) {
      j.put("count", count);
    }
    return j;
  }

  public static JobEvent fromJson(JsonObject j) {
    String job = j.getString("job_id");
    String campaign = j.getString("campaign_id");
    String from = j.getString("from");
    return new JobEvent(
        job == null ? null : UUID.fromString(job),
        campaign == null ? null : UUID.fromString(campaign),
        j.getString("config_key"),
        j.getInteger("attempt"),
        from == null ? null : JobState.of(from),
        JobState.of(j.getString("to")),
        j.getString("reason"),
        j.getString("node_id"),
        j.getInteger("count"));
  }
}
