package io.ffrtmp.job;

import java.time.Duration;

/**
 * The timing rules of dispatch, shared by masters and workers.
 *
 * @param heartbeat how often a worker sends a heartbeat (which renews its leases)
 * @param lease how long a lease lives without a heartbeat; a node silent this long is lost and its
 *     jobs re-queued
 * @param liveStall a live job with no progress for this long is killed and retried
 * @param minStall other jobs: no progress for at least this long (else twice the input's duration)
 *     before the same
 * @param retryBase first wait before a transient failure is retried; doubled per attempt, with
 *     jitter
 * @param retryCap the longest wait between attempts
 * @param maxAttempts attempts per job before a transient failure is final
 * @param sweep how often the leading master runs housekeeping
 */
public record DispatchSettings(
    Duration heartbeat,
    Duration lease,
    Duration liveStall,
    Duration minStall,
    Duration retryBase,
    Duration retryCap,
    int maxAttempts,
    Duration sweep) {

  public static final DispatchSettings DEFAULTS =
      new DispatchSettings(
          Duration.ofSeconds(2),
          Duration.ofSeconds(10),
          Duration.ofMinutes(2),
          Duration.ofMinutes(1),
          Duration.ofSeconds(2),
          Duration.ofMinutes(5),
          3,
          Duration.ofSeconds(1));

  public DispatchSettings {
    if (lease.compareTo(heartbeat.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "lease "
              + lease.toMillis()
              + " ms must be at least two heartbeats ("
              + heartbeat.multipliedBy(2).toMillis()
              + " ms)");
    }
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new IllegalArgumentException("max attempts " + maxAttempts + ": accepted 1 to 100");
    }
  }

  public DispatchSettings withHeartbeat(Duration heartbeat, Duration lease) {
    return new DispatchSettings(
        heartbeat, lease, liveStall, minStall, retryBase, retryCap, maxAttempts, sweep);
  }

  public DispatchSettings withMaxAttempts(int n) {
    return new DispatchSettings(
        heartbeat, lease, liveStall, minStall, retryBase, retryCap, n, sweep);
  }

  public DispatchSettings withStall(Duration live, Duration min) {
    return new DispatchSettings(
        heartbeat, lease, live, min, retryBase, retryCap, maxAttempts, sweep);
  }

  public DispatchSettings withRetry(Duration base, Duration cap) {
    return new DispatchSettings(
        heartbeat, lease, liveStall, minStall, base, cap, maxAttempts, sweep);
  }
}
