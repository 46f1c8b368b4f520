package io.ffrtmp.master.store;

import io.ffrtmp.job.JobSpec;
import java.util.List;
import java.util.UUID;

/**
 * What the job store tells the master's meters of the moves this process made, after they are
 * committed. The store calls each only when its statement reports that the move happened, so a
 * repeated delivery, a stale token or a move another master made is never counted here: every job
 * is finished once, by the master that recorded it. Called on the store's callers' contexts; must
 * not block.
 */
public interface JobOutcomes {

  JobOutcomes NONE = new JobOutcomes() {};

  /** A job leased just now: its queue, its attempt and, for attempt 1, seconds since submit. */
  record Leased(JobSpec.Queue queue, int attempt, double waitedS) {}

  /** Jobs leased to a worker just now. */
  default void leased(List<Leased> leases) {}

  /**
   * Jobs moved just now to a final state (succeeded, failed, canceled): by a worker's report, an
   * operator's cancel, or housekeeping (retries exhausted).
   */
  default void finished(List<UUID> jobIds) {}

  /** Attempts put back for another try: to retry_wait, or to the queue after a lost lease. */
  default void retried(int attempts) {}
}
