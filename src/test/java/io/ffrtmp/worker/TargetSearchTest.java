package io.ffrtmp.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.job.JobSpec.QualityMetric;
import io.ffrtmp.worker.TargetSearch.Outcome;
import io.ffrtmp.worker.TargetSearch.Stop;
import io.ffrtmp.worker.TargetSearch.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The search on synthetic score functions: where it stops, what it chooses, how many probes. */
class TargetSearchTest {

  /** What a run did: the outcome and every value probed, in order. */
  record Run(Outcome outcome, List<Integer> probed) {}

  static Run run(TargetSearch search, IntToDoubleFunction score) {
    List<Integer> probed = new ArrayList<>();
    for (Integer v = search.next(); v != null; v = search.next()) {
      assertThat(probed).as("never probes a value twice").doesNotContain(v);
      probed.add(v);
      search.record(v, score.applyAsDouble(v));
    }
    return new Run(search.outcome(), probed);
  }

  /**
   * An x264-like curve: PSNR falls about 0.9 dB per CRF at high quality and flattens as CRF rises
   * (60 dB at crf 0, 42.5 at 23, 29.7 at 51), as measured curves on testsrc2 do.
   */
  static double x264Psnr(int crf) {
    return 60 - 0.9 * crf + 0.006 * crf * crf;
  }

  static TargetSearch x264(double target, Strategy strategy) {
    return TargetSearch.crf(0, 51, 23, QualityMetric.PSNR, target, 0.5, strategy);
  }

  /**
   * The outcome "just reaches" the target: it lands within the tolerance of it, or it reaches the
   * target and the next cheaper CRF misses it by more than the tolerance.
   */
  static void assertJustReaches(
      Outcome o, IntToDoubleFunction score, double target, double tolerance) {
    assertThat(o.reached()).isTrue();
    assertThat(o.chosenScore()).isEqualTo(score.applyAsDouble(o.chosen()));
    if (o.stop() == Stop.LANDED) {
      assertThat(o.chosenScore()).isBetween(target - tolerance, target + tolerance);
    } else {
      assertThat(o.stop()).isEqualTo(Stop.BRACKET_CLOSED);
      assertThat(o.chosenScore()).isGreaterThan(target + tolerance);
      assertThat(score.applyAsDouble(o.chosen() + 1)).isLessThan(target - tolerance);
    }
  }

  @Test
  void aMonotoneCurveLandsWithinToleranceInFewProbes() {
    Run r = run(x264(40, Strategy.INTERPOLATE), TargetSearchTest::x264Psnr);
    assertThat(r.outcome().stop()).isEqualTo(Stop.LANDED);
    assertThat(r.outcome().chosenScore()).isBetween(39.5, 40.5);
    assertThat(x264Psnr(r.outcome().chosen())).isEqualTo(r.outcome().chosenScore());
    assertThat(r.probed()).hasSizeLessThanOrEqualTo(3);
  }

  @Test
  void interpolationNeedsFewerProbesThanBisectionOverManyTargets() {
    int interpolated = 0;
    int bisected = 0;
    for (double target = 31; target <= 58; target += 0.7) {
      Run i = run(x264(target, Strategy.INTERPOLATE), TargetSearchTest::x264Psnr);
      Run b = run(x264(target, Strategy.BISECT), TargetSearchTest::x264Psnr);
      assertJustReaches(i.outcome(), TargetSearchTest::x264Psnr, target, 0.5);
      assertJustReaches(b.outcome(), TargetSearchTest::x264Psnr, target, 0.5);
      interpolated += i.probed().size();
      bisected += b.probed().size();
    }
    // The measured ratio on real encodes is in docs/performance.md (bench/target-search.sh).
    assertThat(interpolated).isLessThan(bisected);
  }

  @Test
  void aStepCoarserThanTheToleranceClosesTheBracketOnTheHighestPassingValue() {
    // One CRF step moves the score by 2 dB: nothing lands in [40.5, 41.5].
    Run r =
        run(
            TargetSearch.crf(0, 51, 23, QualityMetric.PSNR, 41, 0.5, Strategy.INTERPOLATE),
            crf -> 50 - 2 * crf);
    assertThat(r.outcome().stop()).isEqualTo(Stop.BRACKET_CLOSED);
    assertThat(r.outcome().chosen()).isEqualTo(4); // 42 dB; crf 5 gives 40
    assertThat(r.probed()).contains(4, 5);
  }

  @Test
  void noisyScoresStillEndOnAProbeThatReachesTheTarget() {
    for (int seed = 0; seed < 20; seed++) {
      int s = seed;
      // Deterministic noise of up to +-0.4 dB, not monotone from one CRF to the next.
      IntToDoubleFunction noisy = crf -> x264Psnr(crf) + 0.4 * Math.sin(crf * 2.7 + s);
      Run r = run(x264(40, Strategy.INTERPOLATE), noisy);
      assertThat(r.outcome().reached()).as("seed %d", seed).isTrue();
      assertThat(r.outcome().chosenScore()).isGreaterThanOrEqualTo(39.5);
      assertThat(r.outcome().chosenScore()).isEqualTo(noisy.applyAsDouble(r.outcome().chosen()));
      assertThat(r.outcome().stop()).isIn(Stop.LANDED, Stop.BRACKET_CLOSED);
      if (r.outcome().stop() == Stop.BRACKET_CLOSED) {
        // The neighbour that closed it was probed and missed.
        assertThat(r.probed()).contains(r.outcome().chosen() + 1);
      }
      assertThat(r.probed()).hasSizeLessThanOrEqualTo(TargetSearch.MAX_PROBES);
    }
  }

  @Test
  void anUnreachableTargetEndsWithTheBestValueOfTheRangeProbed() {
    Run r = run(x264(62, Strategy.INTERPOLATE), TargetSearchTest::x264Psnr);
    assertThat(r.outcome().stop()).isEqualTo(Stop.UNREACHABLE);
    assertThat(r.outcome().reached()).isFalse();
    assertThat(r.outcome().chosen()).isNull();
    assertThat(r.probed()).contains(0);
    assertThat(r.outcome().best().value()).isZero();
    assertThat(r.outcome().best().score()).isEqualTo(60.0);
    assertThat(r.probed()).hasSizeLessThanOrEqualTo(4);

    Run b = run(x264(62, Strategy.BISECT), TargetSearchTest::x264Psnr);
    assertThat(b.outcome().stop()).isEqualTo(Stop.UNREACHABLE);
  }

  @Test
  void aTargetMetAtTheCheapestEndChoosesThatEnd() {
    // At crf 51 the curve is still at 29.7 dB.
    Run r = run(x264(25, Strategy.INTERPOLATE), TargetSearchTest::x264Psnr);
    assertThat(r.outcome().stop()).isEqualTo(Stop.CHEAPEST_REACHES);
    assertThat(r.outcome().chosen()).isEqualTo(51);
    assertThat(r.outcome().reached()).isTrue();

    Run b = run(x264(25, Strategy.BISECT), TargetSearchTest::x264Psnr);
    assertThat(b.outcome().stop()).isEqualTo(Stop.CHEAPEST_REACHES);
    assertThat(b.outcome().chosen()).isEqualTo(51);
  }

  @Test
  void aTargetJustAboveTheBestEndLandsThereWithinTolerance() {
    // crf 0 gives 60 dB: 0.4 below the target, inside its tolerance.
    Run r = run(x264(60.4, Strategy.INTERPOLATE), TargetSearchTest::x264Psnr);
    assertThat(r.outcome().chosen()).isZero();
    assertThat(r.outcome().stop()).isEqualTo(Stop.LANDED);
    assertThat(r.outcome().reached()).isTrue();
    // 0.6 below: out of reach.
    assertThat(run(x264(60.6, Strategy.INTERPOLATE), TargetSearchTest::x264Psnr).outcome().stop())
        .isEqualTo(Stop.UNREACHABLE);
  }

  @Test
  void aBitrateSearchFindsTheLowestBitrateOnALogCurve() {
    // 4 dB per doubling, 40 dB at 3200 kbit/s.
    IntToDoubleFunction psnr = kbps -> 40 + 4 * Math.log(kbps / 3200.0) / Math.log(2);
    Run r =
        run(
            TargetSearch.bitrate(
                32, 500_000, 2765, QualityMetric.PSNR, 40, 0.5, Strategy.INTERPOLATE),
            psnr);
    assertThat(r.outcome().stop()).isEqualTo(Stop.LANDED);
    assertThat(r.outcome().chosenScore()).isBetween(39.5, 40.5);
    assertThat(r.outcome().chosen()).isBetween(2934, 3490);
    assertThat(r.probed()).hasSizeLessThanOrEqualTo(3);

    Run b =
        run(
            TargetSearch.bitrate(32, 500_000, 2765, QualityMetric.PSNR, 40, 0.5, Strategy.BISECT),
            psnr);
    assertThat(b.outcome().reached()).isTrue();
    assertThat(b.probed().size()).isGreaterThan(r.probed().size());
  }

  @Test
  void anSsimTargetIsSearchedOnItsDecibelScale() {
    // SSIM saturates near 1: 1 - ssim grows tenfold every 20 CRF.
    IntToDoubleFunction ssim = crf -> 1 - 0.0005 * Math.pow(10, crf / 20.0);
    Run r =
        run(
            TargetSearch.crf(0, 51, 23, QualityMetric.SSIM, 0.98, 0.005, Strategy.INTERPOLATE),
            ssim);
    assertThat(r.outcome().reached()).isTrue();
    assertThat(r.outcome().chosenScore()).isBetween(0.975, 0.985);
    assertThat(r.probed()).hasSizeLessThanOrEqualTo(4);
  }

  @Test
  void theGridEndsAreTheEncodersRange() {
    TargetSearch av1 =
        TargetSearch.crf(1, 63, 35, QualityMetric.PSNR, 80, 0.5, Strategy.INTERPOLATE);
    Run r = run(av1, crf -> 50 - 0.3 * crf);
    assertThat(r.outcome().stop()).isEqualTo(Stop.UNREACHABLE);
    assertThat(r.probed()).contains(1).allMatch(v -> v >= 1 && v <= 63);
  }

  @Test
  void hintsFromTheSameCurvePlaceTheFirstProbeOnTheAnswer() {
    // A previous search at 37 dB probed crf 23, 30 and 31; a search at 40 dB of the same curve
    // interpolates between its hints, the first probe lands.
    List<TargetSearch.Probe> hints =
        List.of(23, 30, 31).stream().map(c -> new TargetSearch.Probe(c, x264Psnr(c))).toList();
    TargetSearch search = x264(40, Strategy.INTERPOLATE).hinted(hints, "memory");
    assertThat(search.start()).isEqualTo("memory");
    Run r = run(search, TargetSearchTest::x264Psnr);
    assertJustReaches(r.outcome(), TargetSearchTest::x264Psnr, 40, 0.5);
    assertThat(r.probed()).hasSize(1);
    Run cold = run(x264(40, Strategy.INTERPOLATE), TargetSearchTest::x264Psnr);
    assertThat(cold.probed().size()).isGreaterThan(1);
  }

  @Test
  void hintsFromAnotherPresetAreOnlyAStartTheSearchStillMeasures() {
    // Another preset's curve sits 1.5 dB lower: its crossing is a start, not an answer.
    IntToDoubleFunction other = c -> x264Psnr(c) - 1.5;
    List<TargetSearch.Probe> hints =
        List.of(
            new TargetSearch.Probe(20, other.applyAsDouble(20)),
            new TargetSearch.Probe(26, other.applyAsDouble(26)));
    Run r = run(x264(40, Strategy.INTERPOLATE).hinted(hints, "memory"), TargetSearchTest::x264Psnr);
    assertJustReaches(r.outcome(), TargetSearchTest::x264Psnr, 40, 0.5);
    assertThat(r.probed()).hasSizeLessThanOrEqualTo(3);
  }

  @Test
  void bisectionAndHintsOffTheGridIgnoreHints() {
    TargetSearch b =
        x264(40, Strategy.BISECT).hinted(List.of(new TargetSearch.Probe(25, 40)), "memory");
    assertThat(b.start()).isEqualTo("default");
    assertThat(b.next()).isEqualTo(25); // the range's middle, as without hints
    TargetSearch off =
        x264(40, Strategy.INTERPOLATE).hinted(List.of(new TargetSearch.Probe(90, 20)), "memory");
    assertThat(off.start()).isEqualTo("default");
    assertThat(off.next()).isEqualTo(23);
  }
}
