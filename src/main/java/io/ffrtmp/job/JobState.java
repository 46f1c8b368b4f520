package io.ffrtmp.job;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The job lifecycle: {@code queued → leased → running → succeeded | failed | canceled}, with {@code
 * retry_wait → queued} for retryable failures and {@code failed | canceled → queued} when an
 * operator retries. Every transition is checked here and nowhere else.
 */
public enum JobState {
  QUEUED,
  LEASED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELED,
  RETRY_WAIT;

  private static final Map<JobState, Set<JobState>> NEXT =
      Map.of(
          QUEUED, EnumSet.of(LEASED, CANCELED),
          LEASED, EnumSet.of(RUNNING, QUEUED, FAILED, CANCELED, RETRY_WAIT),
          RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELED, RETRY_WAIT, QUEUED),
          RETRY_WAIT, EnumSet.of(QUEUED, CANCELED),
          SUCCEEDED, EnumSet.noneOf(JobState.class),
          FAILED, EnumSet.of(QUEUED), // only by an operator's retry
          CANCELED, EnumSet.of(QUEUED)); // likewise

  private static final Set<JobState> FINAL = EnumSet.of(SUCCEEDED, FAILED, CANCELED);

  public boolean canMoveTo(JobState next) {
    return NEXT.get(this).contains(next);
  }

  /**
   * Finished: nothing moves it on its own (an operator may still retry a failed or canceled job).
   */
  public boolean terminal() {
    return FINAL.contains(this);
  }

  /** Throws when the move is not allowed, naming both ends. */
  public void checkMoveTo(JobState next) {
    if (!canMoveTo(next)) {
      throw new IllegalStateException("a job cannot go from " + id() + " to " + next.id());
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobState of(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }

  /**
   * States a job may be in at the start of each transition, for SQL {@code WHERE state = ANY($n)}.
   */
  public static String[] sourcesOf(JobState next) {
    return EnumSet.allOf(JobState.class).stream()
        .filter(s -> s.canMoveTo(next))
        .map(JobState::id)
        .toArray(String[]::new);
  }
}
