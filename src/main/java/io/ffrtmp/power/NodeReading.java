package io.ffrtmp.power;

import java.util.List;

/**
 * What a node's always-on meter knows at one moment, for its Prometheus families: energy since the
 * meter opened and power over the last interval per zone, the state of every source examined, the
 * node's CPU utilisation and NVML's GPUs. Immutable; a new one is published after every tick.
 *
 * @param zones one entry per zone of every scope whose source reads now; a scope whose source
 *     stopped reading has none (never 0 W)
 * @param sources every source examined, with its state and why, in scope and priority order
 * @param reads reads of the meter since it opened (ticks and window boundaries)
 * @param readFailures reads in which at least one scope could not be read
 * @param cpuUtilisation busy share of all CPUs over the last tick, 0..1; null before the second
 *     tick or when {@code /proc/stat} cannot be read
 * @param estimated whether any scope is estimated (a model) rather than measured
 * @param gpus NVML's GPUs as read at the last tick; empty without NVML
 */
public record NodeReading(
    List<Zone> zones,
    List<Source> sources,
    long reads,
    long readFailures,
    Double cpuUtilisation,
    boolean estimated,
    List<GpuStatus> gpus) {

  /**
   * One zone's energy and power.
   *
   * @param joules energy since the meter opened: the sum of the integrated deltas between
   *     consecutive reads, so counter wraps are unwrapped exactly as in job windows
   * @param watts power over the last tick interval; null before the first complete tick
   */
  public record Zone(
      String scope, String zone, String source, String provenance, double joules, Double watts) {}

  /** Why a source is or is not the one measuring its scope. */
  public enum State {
    /** It measures its scope and its last read worked. */
    USED,
    /** Present and readable, or absent, but another source measures the scope. */
    UNUSED,
    /** The source that should measure its scope cannot be read (at start, or it stopped). */
    DOWN;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Bounded reasons: label values, never free text. */
  public enum Reason {
    OK,
    ONE_SOURCE_PER_SCOPE,
    PERMISSION_DENIED,
    NOT_FOUND,
    READ_FAILED,
    UNSUPPORTED,
    OVERLAPS_SCOPES;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** From an exception or a status detail: permission, absence, or any other read failure. */
    static Reason of(String detail) {
      String d = detail == null ? "" : detail.toLowerCase(java.util.Locale.ROOT);
      if (d.contains("permission denied")
          || d.contains("accessdenied")
          || d.contains("not permitted")
          || d.contains("eacces")
          || d.contains("paranoid")) {
        return PERMISSION_DENIED;
      }
      if (d.contains("no such file") || d.contains("nosuchfile") || d.contains("not found")) {
        return NOT_FOUND;
      }
      return READ_FAILED;
    }
  }

  /**
   * One source examined.
   *
   * @param up null when the source has no up series (not used, and not the one that should be):
   *     true while it reads, false when it is down
   */
  public record Source(String scope, String source, State state, Reason reason, Boolean up) {}
}
