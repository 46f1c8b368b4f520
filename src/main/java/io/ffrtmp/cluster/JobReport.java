package io.ffrtmp.cluster;

import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobState;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a worker says about a job it holds, fenced by the lease's token: its start ({@code running})
 * or its end (succeeded, failed, canceled, with the result). One item of {@link JobUpdates}; also
 * the body of the single-report addresses {@link Addresses#JOB_STARTED} and {@link
 * Addresses#JOB_RESULT}. Spooled by the worker as {@link #toJson()}.
 *
 * @param nodeId the worker's node, as sent; null when it did not say
 * @param result the result object of an end (empty when none came); not sent with a start
 * @param error why a job failed or was canceled; null otherwise
 * @param retryable a failure that may pass on another attempt (the master retries while attempts
 *     are left)
 */
public record JobReport(
    JobLease.Fence fence,
    String nodeId,
    JobState state,
    JsonObject result,
    String error,
    boolean retryable) {

  /** The node a report counts for when neither it nor its batch names one. */
  public static final String UNNAMED_NODE = "worker";

  /** The final states. */
  private static final Set<JobState> ENDS =
      Arrays.stream(JobState.values())
          .filter(JobState::terminal)
          .collect(Collectors.toCollection(() -> EnumSet.noneOf(JobState.class)));

  private static final Set<JobState> REPORTED =
      EnumSet.of(JobState.RUNNING, ENDS.toArray(JobState[]::new));

  public JobReport {
    if (!REPORTED.contains(state)) {
      throw new IllegalArgumentException("a worker reports a start or an end, not " + state);
    }
  }

  public static JobReport started(JobLease.Fence fence, String nodeId) {
    return new JobReport(fence, nodeId, JobState.RUNNING, new JsonObject(), null, false);
  }

  /** A start or an end. */
  public boolean isStart() {
    return state == JobState.RUNNING;
  }

  /** The node that reports: its id, or {@link #UNNAMED_NODE}. */
  public String actor() {
    return nodeId == null ? UNNAMED_NODE : nodeId;
  }

  public JsonObject toJson() {
    JsonObject j =
        new JsonObject()
            .put("job_id", fence.jobId().toString())
            .put("fencing_token", fence.token());
    if (nodeId != null) {
      j.put("node_id", nodeId);
    }
    j.put("state", state.id());
    if (!isStart()) {
      j.put("result", result).put("error", error).put("retryable", retryable);
    }
    return j;
  }

  /** One report of a {@link JobUpdates} batch: a start or an end, as {@code state} says. */
  public static JobReport fromJson(JsonObject j) {
    JobLease.Fence fence = BodyFields.fence(j);
    return of(fence, j, state(j, REPORTED));
  }

  /** A {@link Addresses#JOB_STARTED} body: the fence and the node; the state is implied. */
  public static JobReport startFromJson(JsonObject j) {
    return started(BodyFields.fence(j), j.getString("node_id"));
  }

  /** A {@link Addresses#JOB_RESULT} body: an end only. */
  public static JobReport endFromJson(JsonObject j) {
    JobLease.Fence fence = BodyFields.fence(j);
    return of(fence, j, state(j, ENDS));
  }

  private static JobReport of(JobLease.Fence fence, JsonObject j, JobState state) {
    return new JobReport(
        fence,
        j.getString("node_id"),
        state,
        BodyFields.object(j, "result", new JsonObject()),
        j.getString("error"),
        BodyFields.bool(j, "retryable", false));
  }

  private static JobState state(JsonObject j, Set<JobState> accepted) {
    JobState s;
    try {
      s = JobState.of(BodyFields.string(j, "state", ""));
    } catch (IllegalArgumentException e) {
      s = null;
    }
    if (s == null || !accepted.contains(s)) {
      throw new BodyException(
          "state",
          "accepted: " + accepted.stream().map(JobState::id).collect(Collectors.joining(", ")));
    }
    return s;
  }
}
