package io.ffrtmp.analysis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Pareto fronts: energy–quality (minimise J/frame, maximise quality) and three-way (J/frame,
 * bitrate and quality).
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

  /**
   * Whether A dominates B in three objectives: energy and bitrate no higher, quality no lower, one
   * of them strictly better.
   */
  public static boolean dominates3(double[] a, double[] b) {
    return a[0] <= b[0]
        && a[1] <= b[1]
        && a[2] >= b[2]
        && (a[0] < b[0] || a[1] < b[1] || a[2] > b[2]);
  }

  /**
   * The three-way front: minimise J/frame and bitrate, maximise quality, judged on the means (a
   * configuration is a member iff no other has all three at least as good and one better). Points
   * lacking any coordinate are never members. Ordered by ascending energy.
   */
  public static <T> List<T> of3(
      Collection<T> points,
      Function<T, Double> energy,
      Function<T, Double> bitrate,
      Function<T, Double> quality) {
    List<T> candidates = new ArrayList<>();
    List<double[]> coords = new ArrayList<>();
    for (T point : points) {
      Double e = energy.apply(point);
      Double b = bitrate.apply(point);
      Double q = quality.apply(point);
      if (usable(e) && usable(b) && usable(q)) {
        candidates.add(point);
        coords.add(new double[] {e, b, q});
      }
    }
    List<T> front = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      boolean dominated = false;
      for (int j = 0; j < candidates.size() && !dominated; j++) {
        dominated = j != i && dominates3(coords.get(j), coords.get(i));
      }
      if (!dominated) {
        front.add(candidates.get(i));
      }
    }
    front.sort(Comparator.comparing(energy));
    return front;
  }

  private static boolean usable(Double value) {
    return value != null && Double.isFinite(value);
  }
}
