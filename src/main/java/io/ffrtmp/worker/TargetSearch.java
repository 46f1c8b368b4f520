package io.ffrtmp.worker;

import io.ffrtmp.job.JobSpec.QualityMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The search behind a quality target: which CRF (or bitrate) to probe next, given the scores so
 * far, and when to stop. Pure arithmetic, driven by {@link SearchPass} (or a test) through {@link
 * #next()} and {@link #record}.
 *
 * <p>The values form a grid ordered from best quality to cheapest: CRF {@code min..max} in steps of
 * one; bitrates from the maximum down in steps of 2 %. Scores are interpolated along an axis where
 * they fall close to linearly: {@code ln(crf + 6)} for the H.264/HEVC 0–51 scales, the CRF itself
 * for AV1 and VP9, the index (so the log bitrate) for bitrates. The search interpolates: secant
 * extrapolation until a passing and a failing probe bracket the target, then inside the bracket
 * inverse quadratic interpolation through the three probes nearest the target (regula falsi between
 * the bracket's ends where that parabola leaves the bracket), all aimed at the target itself, with
 * SSIM taken as {@code -10 log10(1 - ssim)}. It falls back to bisection when the last two probes
 * inside the bracket did not halve it, or the scores at the bracket's ends are out of order
 * (noise). A probe within {@code target ± tolerance} ends the search. {@link Strategy#BISECT} is
 * plain bisection over the grid with the same stopping rule, kept as the baseline it is measured
 * against.
 */
final class TargetSearch {

  static final int MAX_PROBES = 12;

  /** Extrapolating towards cheaper values, the share of the secant's slope taken. */
  static final double CONVEX_DAMPING = 0.75;

  /** Bitrate grid step: 2 % per index. */
  static final double BITRATE_STEP = 1.02;

  enum Strategy {
    INTERPOLATE,
    BISECT
  }

  enum Stop {
    /** A probe scored within {@code target ± tolerance}. */
    LANDED,
    /** The highest passing value and the lowest failing one are neighbours on the grid. */
    BRACKET_CLOSED,
    /** Even the cheapest value of the range reaches the target. */
    CHEAPEST_REACHES,
    /** Even the best value of the range misses the target. */
    UNREACHABLE,
    /** {@link #MAX_PROBES} probes without any of the above. */
    PROBE_LIMIT
  }

  record Probe(int value, double score) {}

  /**
   * {@code chosen}: the value to encode at, null when nothing reached the target; {@code best}: the
   * highest-scoring probe (what an unreachable target reports).
   */
  record Outcome(Stop stop, Integer chosen, Double chosenScore, Probe best) {
    boolean reached() {
      return chosen != null;
    }
  }

  static final String ALGORITHM =
      "secant extrapolation on score against the searched value (against ln(crf+6) for the 0-51 crf"
          + " scales, log bitrate for cbr/vbr; ssim as -10*log10(1-ssim); towards cheaper values at"
          + " 0.75 of the secant's slope, as the curves flatten) until a passing and a failing"
          + " probe bracket the target; inside the bracket inverse quadratic interpolation through"
          + " the three probes nearest the target, regula falsi between the bracket's ends where"
          + " that leaves the bracket, and bisection when the last two probes did not halve the"
          + " bracket or its scores are out of order; first probe at the encoder's default crf (for"
          + " a bitrate: 0.1 bit per pixel), or, where this worker has probed the same curve (or"
          + " another preset of the encoder on the same input) before, where those probes cross"
          + " the target, with their slope there for the second";

  static final String STOPPING_RULE =
      "stop at the first probe scoring within target +- tolerance; otherwise when the cheapest"
          + " value scoring at least the target and the next cheaper one missing it are"
          + " neighbours (crf step 1, bitrate step 2 %), choosing the one that reaches it; when"
          + " the cheapest value of the range already reaches the target (chosen); when the best"
          + " value of the range misses it by more than the tolerance (unreachable); or after "
          + MAX_PROBES
          + " probes (the cheapest value reaching the target so far)";

  static final String BISECTION =
      "bisection over the whole range with the same stopping rule (the baseline)";

  private final int[] grid;
  private final QualityMetric metric;
  private final double target;
  private final double tolerance;
  private int startIndex;
  private double priorSlope;
  private final Strategy strategy;

  /** Where the first probe came from: the encoder's default, or earlier probes of the curve. */
  private String start = "default";

  /** Probes by index; scores as measured. */
  private final List<Integer> probedIndex = new ArrayList<>();

  private final List<Double> probedScore = new ArrayList<>();

  /** The bracket's width before each probe made inside it. */
  private final List<Integer> bracketWidths = new ArrayList<>();

  private Outcome outcome;

  /** Where each grid index sits on the axis the scores are interpolated along. */
  private final double[] position;

  private TargetSearch(
      int[] grid,
      double[] position,
      QualityMetric metric,
      double target,
      double tolerance,
      int startIndex,
      double priorSlope,
      Strategy strategy) {
    this.grid = grid;
    this.position = position;
    this.metric = metric;
    this.target = target;
    this.tolerance = tolerance;
    this.startIndex = startIndex;
    this.priorSlope = priorSlope;
    this.strategy = strategy;
  }

  /**
   * A CRF search over {@code min..max}, first probe at {@code start}. The H.264/HEVC family's 0–51
   * scale (its quantiser step doubles every 6) is interpolated along {@code ln(crf + 6)}, where
   * PSNR falls close to linearly; the 0–63 scales of AV1 and VP9 along the CRF itself.
   */
  static TargetSearch crf(
      int min,
      int max,
      int start,
      QualityMetric metric,
      double target,
      double tolerance,
      Strategy strategy) {
    int[] grid = new int[max - min + 1];
    double[] position = new double[grid.length];
    boolean logarithmic = max <= 51;
    for (int i = 0; i < grid.length; i++) {
      grid[i] = min + i;
      position[i] = logarithmic ? Math.log(grid[i] + 6) : grid[i];
    }
    // Transformed score per unit of the axis, a rough prior that only places the second probe:
    // measured near 40 dB PSNR with x264 and x265 (about 0.85 dB per CRF at crf 23) and SVT-AV1
    // (about 0.5 dB per CRF) on testsrc2.
    double perUnit = logarithmic ? 25 : 0.5;
    double slope =
        -perUnit
            * switch (metric) {
              case PSNR -> 1;
              case SSIM -> 0.67;
              case VMAF -> 2.2;
            };
    int s = Math.max(min, Math.min(max, start)) - min;
    return new TargetSearch(grid, position, metric, target, tolerance, s, slope, strategy);
  }

  /**
   * A bitrate search from {@code maxKbps} down to {@code minKbps}, first probe near {@code start}.
   */
  static TargetSearch bitrate(
      int minKbps,
      int maxKbps,
      int startKbps,
      QualityMetric metric,
      double target,
      double tolerance,
      Strategy strategy) {
    List<Integer> values = new ArrayList<>();
    double v = maxKbps;
    while (Math.round(v) > minKbps) {
      int k = (int) Math.round(v);
      if (values.isEmpty() || values.get(values.size() - 1) != k) {
        values.add(k);
      }
      v /= BITRATE_STEP;
    }
    values.add(minKbps);
    int[] grid = values.stream().mapToInt(Integer::intValue).toArray();
    int s = 0;
    for (int i = 0; i < grid.length; i++) {
      if (Math.abs(Math.log(grid[i]) - Math.log(startKbps))
          < Math.abs(Math.log(grid[s]) - Math.log(startKbps))) {
        s = i;
      }
    }
    // About 4 dB PSNR per doubling of the bitrate, per 2 % step.
    double perDoubling =
        switch (metric) {
          case PSNR -> 4;
          case SSIM -> 3;
          case VMAF -> 10;
        };
    double slope = -perDoubling * Math.log(BITRATE_STEP) / Math.log(2);
    double[] position = new double[grid.length];
    for (int i = 0; i < grid.length; i++) {
      position[i] = i; // the grid is logarithmic already
    }
    return new TargetSearch(grid, position, metric, target, tolerance, s, slope, strategy);
  }

  /**
   * Places the first probe where earlier probes of the same curve, or of a neighbouring one ({@link
   * SearchMemory}), cross the target, and takes their slope there as the prior for the second.
   * Between a passing and a failing hint it interpolates between the two nearest the target;
   * otherwise it extends the secant through the two hints nearest the target (the prior slope with
   * a single hint). Hints are not probes: they neither bracket nor stop the search. Bisection
   * ignores them.
   */
  TargetSearch hinted(List<Probe> hints, String from) {
    if (strategy == Strategy.BISECT || hints.isEmpty() || probeCount() > 0) {
      return this;
    }
    double aim = transform(target);
    List<double[]> points = new ArrayList<>(); // {position, transformed score, index}
    for (Probe h : hints) {
      int i = gridIndex(h.value());
      if (i >= 0) {
        points.add(new double[] {position[i], transform(h.score()), i});
      }
    }
    if (points.isEmpty()) {
      return this;
    }
    double[] pass = null;
    double[] fail = null;
    for (double[] p : points) {
      if (p[1] >= aim && (pass == null || p[2] > pass[2])) {
        pass = p;
      }
    }
    for (double[] p : points) {
      if (p[1] < aim && (pass == null || p[2] > pass[2]) && (fail == null || p[2] < fail[2])) {
        fail = p;
      }
    }
    double[] u;
    double[] v;
    if (pass != null && fail != null) {
      u = pass;
      v = fail;
    } else {
      points.sort((p, q) -> Double.compare(Math.abs(p[1] - aim), Math.abs(q[1] - aim)));
      u = points.get(0);
      v = points.size() > 1 ? points.get(1) : null;
    }
    double slope = priorSlope;
    if (v != null && v[0] != u[0]) {
      double s = (v[1] - u[1]) / (v[0] - u[0]);
      if (s < 0) {
        slope = s;
      }
    }
    priorSlope = slope;
    startIndex = indexAt(u[0] + (aim - u[1]) / slope);
    start = from;
    return this;
  }

  /** {@code default} or where the hints of {@link #hinted} came from. */
  String start() {
    return start;
  }

  String algorithm() {
    return strategy == Strategy.BISECT ? BISECTION : ALGORITHM;
  }

  /** The next value to probe; null once the search has stopped (see {@link #outcome()}). */
  Integer next() {
    if (outcome != null) {
      return null;
    }
    int i = strategy == Strategy.BISECT ? nextBisect() : nextInterpolated();
    return grid[i];
  }

  /** The score of the probe at {@code value} (the one {@link #next()} gave). */
  void record(int value, double score) {
    int index = indexOf(value);
    int passBefore = highestPassing();
    int failBefore = lowestFailingAbove(passBefore);
    probedIndex.add(index);
    probedScore.add(score);
    if (passBefore >= 0 && failBefore >= 0 && index > passBefore && index < failBefore) {
      bracketWidths.add(failBefore - passBefore);
    }
    outcome = stopAfter(index, score);
  }

  /** Null while the search goes on. */
  Outcome outcome() {
    return outcome;
  }

  int probeCount() {
    return probedScore.size();
  }

  private Outcome stopAfter(int index, double score) {
    if (Math.abs(score - target) <= tolerance) {
      return new Outcome(Stop.LANDED, grid[index], score, best());
    }
    int a = highestPassing();
    int b = lowestFailingAbove(a);
    if (a >= 0 && b == a + 1) {
      return new Outcome(Stop.BRACKET_CLOSED, grid[a], scoreAt(a), best());
    }
    if (a == grid.length - 1) {
      return new Outcome(Stop.CHEAPEST_REACHES, grid[a], scoreAt(a), best());
    }
    if (a < 0 && scoreAt(0) != null) {
      return new Outcome(Stop.UNREACHABLE, null, null, best());
    }
    if (probeCount() >= MAX_PROBES) {
      return new Outcome(
          Stop.PROBE_LIMIT, a < 0 ? null : grid[a], a < 0 ? null : scoreAt(a), best());
    }
    return null;
  }

  private int nextBisect() {
    int a = highestPassing(); // -1: as if one beyond the best end passed
    int b = lowestFailingAbove(a);
    if (b < 0) {
      b = grid.length; // as if one beyond the cheapest end failed
    }
    return (a + b) / 2 == a ? a + 1 : (a + b) / 2;
  }

  private int nextInterpolated() {
    if (probeCount() == 0) {
      return startIndex;
    }
    double aim = transform(target);
    int a = highestPassing();
    int b = lowestFailingAbove(a);
    if (a >= 0 && b >= 0) {
      double sa = transform(scoreAt(a));
      double sb = transform(scoreAt(b));
      int n = bracketWidths.size();
      boolean slow = n >= 2 && b - a > bracketWidths.get(n - 2) / 2.0;
      if (slow || !(sb < sa)) {
        return (a + b) / 2;
      }
      double pa = position[a];
      double pb = position[b];
      Double quadratic = inverseQuadratic(aim);
      double x =
          quadratic != null && quadratic > pa && quadratic < pb
              ? quadratic
              : pa + (aim - sa) * (pb - pa) / (sb - sa);
      return Math.max(a + 1, Math.min(b - 1, indexAt(x)));
    }
    if (a >= 0) {
      // Everything probed passes: cheaper, along the secant through the two nearest probes. The
      // curves flatten as quality falls, so beyond the probes the slope is shallower than their
      // secant: it is taken at CONVEX_DAMPING of it.
      int lower = nearestBelow(a);
      double slope =
          lower < 0
              ? priorSlope
              : CONVEX_DAMPING * secant(lower, transform(scoreAt(lower)), a, scoreAtT(a));
      int x = indexAt(position[a] + (aim - scoreAtT(a)) / slope);
      return Math.min(grid.length - 1, Math.max(a + 1, x));
    }
    // Everything probed fails: better quality, along the secant through the two best probes.
    int f = lowestFailingAbove(-1);
    int upper = nearestAbove(f);
    double slope =
        upper < 0 ? priorSlope : secant(f, scoreAtT(f), upper, transform(scoreAt(upper)));
    int x = indexAt(position[f] + (aim - scoreAtT(f)) / slope);
    return Math.max(0, Math.min(f - 1, x));
  }

  /** The grid index nearest to a position on the axis. */
  private int indexAt(double p) {
    int best = 0;
    for (int i = 1; i < position.length; i++) {
      if (Math.abs(position[i] - p) < Math.abs(position[best] - p)) {
        best = i;
      }
    }
    return best;
  }

  /**
   * The position where the parabola through the three probes scored nearest to {@code aim}
   * (position as a function of the transformed score) reaches it; null with fewer than three probes
   * or equal scores.
   */
  private Double inverseQuadratic(double aim) {
    List<Integer> order = new ArrayList<>();
    for (int k = 0; k < probedScore.size(); k++) {
      order.add(k);
    }
    order.sort(
        (p, q) ->
            Double.compare(
                Math.abs(transform(probedScore.get(p)) - aim),
                Math.abs(transform(probedScore.get(q)) - aim)));
    if (order.size() < 3) {
      return null;
    }
    double[] x = new double[3];
    double[] y = new double[3];
    for (int k = 0; k < 3; k++) {
      x[k] = position[probedIndex.get(order.get(k))];
      y[k] = transform(probedScore.get(order.get(k)));
    }
    if (y[0] == y[1] || y[1] == y[2] || y[0] == y[2]) {
      return null;
    }
    double sum = 0;
    for (int i = 0; i < 3; i++) {
      double term = x[i];
      for (int j = 0; j < 3; j++) {
        if (j != i) {
          term *= (aim - y[j]) / (y[i] - y[j]);
        }
      }
      sum += term;
    }
    return Double.isFinite(sum) ? sum : null;
  }

  /** The slope between two probes; the prior where the scores do not fall with the index. */
  private double secant(int i, double si, int j, double sj) {
    double s = (sj - si) / (position[j] - position[i]);
    return s < 0 ? s : priorSlope;
  }

  private boolean passes(double score) {
    return score >= target;
  }

  /** Interpolation works on a scale where the score is close to linear in the index. */
  private double transform(double score) {
    return metric == QualityMetric.SSIM ? -10 * Math.log10(Math.max(1e-10, 1 - score)) : score;
  }

  private double scoreAtT(int index) {
    return transform(scoreAt(index));
  }

  /** The last score measured at this index; null when it was not probed. */
  private Double scoreAt(int index) {
    for (int k = probedScore.size() - 1; k >= 0; k--) {
      if (probedIndex.get(k) == index) {
        return probedScore.get(k);
      }
    }
    return null;
  }

  private int highestPassing() {
    int a = -1;
    for (int k = 0; k < probedScore.size(); k++) {
      if (passes(probedScore.get(k))) {
        a = Math.max(a, probedIndex.get(k));
      }
    }
    return a;
  }

  /** The lowest failing index above {@code a}; -1 when none. */
  private int lowestFailingAbove(int a) {
    int b = -1;
    for (int k = 0; k < probedScore.size(); k++) {
      int i = probedIndex.get(k);
      if (!passes(probedScore.get(k)) && i > a && (b < 0 || i < b)) {
        b = i;
      }
    }
    return b;
  }

  private int nearestBelow(int index) {
    int best = -1;
    for (int p : probedIndex) {
      if (p < index && p > best) {
        best = p;
      }
    }
    return best;
  }

  private int nearestAbove(int index) {
    int best = -1;
    for (int p : probedIndex) {
      if (p > index && (best < 0 || p < best)) {
        best = p;
      }
    }
    return best;
  }

  private Probe best() {
    int k = 0;
    for (int j = 1; j < probedScore.size(); j++) {
      if (probedScore.get(j) > probedScore.get(k)) {
        k = j;
      }
    }
    return new Probe(grid[probedIndex.get(k)], probedScore.get(k));
  }

  /** The grid position of {@code value}; -1 when it is not on the grid. */
  private int gridIndex(int value) {
    for (int i = 0; i < grid.length; i++) {
      if (grid[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private int indexOf(int value) {
    int i = gridIndex(value);
    if (i < 0) {
      throw new IllegalArgumentException(value + " is not on the search grid");
    }
    return i;
  }

  String metricId() {
    return metric.name().toLowerCase(Locale.ROOT);
  }
}
