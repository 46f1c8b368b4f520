package io.ffrtmp.analysis;

/**
 * Configurations are ranked and Pareto-filtered only against others in the same group: a measured
 * joule and a modelled joule are different quantities. Declaration order is report order.
 */
public enum RankGroup {
  MEASURED("measured", true),
  ESTIMATED("estimated", true),
  /** Repetitions disagree on provenance; the mean blends both kinds, so it gets no front. */
  MIXED("mixed provenance", false),
  /** Succeeded but reported no J/frame; kept visible rather than silently dropped. */
  NO_ENERGY("no energy data", false),
  /** No successful run at all. */
  FAILED("failed", false);

  private final String label;
  private final boolean hasFront;

  RankGroup(String label, boolean hasFront) {
    this.label = label;
    this.hasFront = hasFront;
  }

  public String label() {
    return label;
  }

  /** Whether a Pareto front is computed for this group. */
  public boolean hasFront() {
    return hasFront;
  }
}
