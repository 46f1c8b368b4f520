package io.ffrtmp.cluster;

import io.ffrtmp.job.JobLease;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A worker's heartbeat ({@link Addresses#NODE_HEARTBEAT}): the jobs it runs, whose leases it
 * renews, and what it has free; answered with a {@link HeartbeatReply}.
 *
 * @param nodeId as registered; a heartbeat of a process that is not the registered one is refused
 *     409
 * @param watts the node's power now, null when no job runs or it is not known
 * @param wattsSource how {@code watts} was obtained (the meter's provenance), null with it
 */
public record Heartbeat(
    String nodeId,
    UUID instanceId,
    List<RunningJob> running,
    int freeSlots,
    Double watts,
    String wattsSource) {

  public Heartbeat {
    running = List.copyOf(running);
  }

  /**
   * A job the node runs, under its lease's fence; {@code activity} grows while the job makes
   * progress.
   */
  public record RunningJob(JobLease.Fence fence, long activity) {

    public JsonObject toJson() {
      return new JsonObject()
          .put("job_id", fence.jobId().toString())
          .put("fencing_token", fence.token())
          .put("activity", activity);
    }

    public static RunningJob fromJson(JsonObject j) {
      return new RunningJob(BodyFields.fence(j), BodyFields.longValue(j, "activity", 0));
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("node_id", nodeId)
        .put("instance_id", instanceId.toString())
        .put("running", runningJson(running))
        .put("free_slots", freeSlots)
        .put("watts", watts)
        .put("watts_source", wattsSource);
  }

  public static Heartbeat fromJson(JsonObject j) {
    UUID instance = BodyFields.uuid(j, "instance_id");
    List<RunningJob> running = runningFromJson(BodyFields.array(j, "running", new JsonArray()));
    return new Heartbeat(
        j.getString("node_id"),
        instance,
        running,
        BodyFields.integer(j, "free_slots", 0),
        BodyFields.decimal(j, "watts"),
        j.getString("watts_source"));
  }

  /** {@code running} as on the wire: {@code [{"job_id", "fencing_token", "activity"}, ...]}. */
  public static List<RunningJob> runningFromJson(JsonArray a) {
    List<RunningJob> jobs = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      jobs.add(BodyFields.item(a, "running", i, RunningJob::fromJson));
    }
    return jobs;
  }

  public static JsonArray runningJson(List<RunningJob> running) {
    return new JsonArray(new ArrayList<>(running.stream().map(RunningJob::toJson).toList()));
  }
}
