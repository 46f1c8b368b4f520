package io.ffrtmp.cluster;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * A worker asking for work ({@link Addresses#WORK_REQUEST}): up to {@code maxJobs} leases, one per
 * free slot; answered {@code {"leases": [JobLease JSON, ...]}}.
 *
 * @param running jobs the node runs now: a busy node gets no job that wants the node to itself
 * @param maxJobs 1 to {@link Addresses#MAX_BATCH}
 */
public record WorkRequest(String nodeId, UUID instanceId, int freeSlots, int running, int maxJobs) {

  /** When a request does not say: one job, as before requests could ask for more. */
  private static final int DEFAULT_MAX_JOBS = 1;

  /** Whether the node already runs a job. */
  public boolean busy() {
    return running > 0;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("node_id", nodeId)
        .put("instance_id", instanceId.toString())
        .put("free_slots", freeSlots)
        .put("running", running)
        .put("max_jobs", maxJobs);
  }

  public static WorkRequest fromJson(JsonObject j) {
    UUID instance = BodyFields.uuid(j, "instance_id");
    String nodeId = j.getString("node_id");
    if (nodeId == null || nodeId.isBlank()) {
      throw new BodyException("node_id", "required");
    }
    int max = BodyFields.integer(j, "max_jobs", DEFAULT_MAX_JOBS);
    if (max < 1 || max > Addresses.MAX_BATCH) {
      throw new BodyException(
          "max_jobs", "accepted: 1 to " + Addresses.MAX_BATCH + " (the node's free slots)");
    }
    return new WorkRequest(
        nodeId,
        instance,
        BodyFields.integer(j, "free_slots", 0),
        BodyFields.integer(j, "running", 0),
        max);
  }
}
