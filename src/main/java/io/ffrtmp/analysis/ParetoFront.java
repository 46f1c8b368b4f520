package io.ffrtmp.analysis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Energy–quality Pareto front: minimise energy (J/frame), maximise quality.
 *
 * <p>A point is on the front iff no other point has energy ≤ and quality ≥ with at least one
 * strict. Identical points therefore do not dominate each other and are both on the front. Points
 * lacking either coordinate are never on it. Callers must pass points of one energy provenance only
 * (see {@link RankGroup}).
 */
public final class ParetoFront {
  private ParetoFront() {}

  /** Whether (energyA, qualityA) dominates (energyB, qualityB). */
  public static boolean dominates(
      double energyA, double qualityA, double energyB, double qualityB) {
    return energyA <= energyB && qualityA >= qualityB && (energyA < energyB || qualityA > qualityB);
  }

  /**
   * The non-dominated points, ordered by ascending energy (then descending quality) so they can be
   * drawn as a line. Quadratic, which is fine for the tens to hundreds of configurations a campaign
   * has.
   */
  public static <T> List<T> of(
      Collection<T> points, Function<T, Double> energy, Function<T, Double> quality) {
    List<T> candidates = new ArrayList<>();
    for (T point : points) {
      if (usable(energy.apply(point)) && usable(quality.apply(point))) {
        candidates.add(point);
      }
    }
    List<T> front = new ArrayList<>();
    for (T point : candidates) {
      double e = energy.apply(point);
      double q = quality.apply(point);
      boolean dominated =
          candidates.stream()
              .anyMatch(other -> dominates(energy.apply(other), quality.apply(other), e, q));
      if (!dominated) {
        front.add(point);
      }
    }
    front.sort(
        Comparator.<T, Double>comparing(energy).thenComparing(quality, Comparator.reverseOrder()));
    return front;
  }

  private static boolean usable(Double value) {
    return value != null && Double.isFinite(value);
  }
}
