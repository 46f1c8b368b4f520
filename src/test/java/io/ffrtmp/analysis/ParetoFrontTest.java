package io.ffrtmp.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ParetoFrontTest {
  /** energy in J/frame, quality in dB; quality may be null. */
  record Point(String name, Double energy, Double quality) {}

  private static List<Point> front(List<Point> points) {
    return ParetoFront.of(points, Point::energy, Point::quality);
  }

  @Test
  void dominatedPointsAreDropped() {
    Point cheapGood = new Point("a", 1.0, 40.0);
    Point costlyWorse = new Point("b", 2.0, 39.0);
    Point costlyBetter = new Point("c", 2.0, 42.0);
    Point sameEnergyWorse = new Point("d", 1.0, 38.0);
    assertThat(front(List.of(costlyWorse, cheapGood, costlyBetter, sameEnergyWorse)))
        .containsExactly(cheapGood, costlyBetter);
  }

  /** J/frame, kbps, dB. */
  record Point3(String name, Double energy, Double kbps, Double quality) {}

  /**
   * The default campaign's trap: ultrafast is cheapest in energy but spends far more bits. In two
   * objectives it dominates a slower preset of the same quality; with bitrate as a third it does
   * not, and the slower preset is on the three-way front too.
   */
  @Test
  void bitrateAsAThirdObjectiveKeepsTheFrugalEncodes() {
    Point3 ultrafast = new Point3("ultrafast", 0.05, 2800.0, 40.0);
    Point3 medium = new Point3("medium", 0.09, 1000.0, 40.0);
    Point3 slowWorse = new Point3("slow-but-worse", 0.12, 1100.0, 39.0); // medium beats it in all
    Point3 best = new Point3("best", 0.20, 1000.0, 42.0);
    Point3 noRate = new Point3("no-rate", 0.01, null, 45.0);
    List<Point3> all = List.of(best, slowWorse, medium, ultrafast, noRate);
    assertThat(ParetoFront.of3(all, Point3::energy, Point3::kbps, Point3::quality))
        .as("ascending energy; dominated and incomplete points out")
        .containsExactly(ultrafast, medium, best);
    assertThat(ParetoFront.of(all, Point3::energy, Point3::quality))
        .as("energy and quality only: the bitrate is ignored")
        .doesNotContain(medium, slowWorse);
  }

  @Test
  void identicalPointsAreBothOnTheThreeWayFront() {
    Point3 a = new Point3("a", 1.0, 500.0, 40.0);
    Point3 b = new Point3("b", 1.0, 500.0, 40.0);
    assertThat(ParetoFront.of3(List.of(a, b), Point3::energy, Point3::kbps, Point3::quality))
        .containsExactlyInAnyOrder(a, b);
  }

  @Test
  void identicalPointsAreBothOnTheFront() {
    Point a = new Point("a", 1.0, 40.0);
    Point b = new Point("b", 1.0, 40.0);
    assertThat(front(List.of(a, b))).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void pointsWithoutQualityOrEnergyAreNeverOnTheFront() {
    Point noQuality = new Point("a", 0.1, null);
    Point noEnergy = new Point("b", null, 50.0);
    Point normal = new Point("c", 1.0, 40.0);
    assertThat(front(List.of(noQuality, noEnergy, normal))).containsExactly(normal);
    assertThat(front(List.of(noQuality))).isEmpty();
  }

  @Test
  void singlePointIsTheFront() {
    Point only = new Point("a", 3.0, 30.0);
    assertThat(front(List.of(only))).containsExactly(only);
    assertThat(front(List.of())).isEmpty();
  }

  @Test
  void dominanceNeedsOneStrictImprovement() {
    assertThat(ParetoFront.dominates(1.0, 40.0, 1.0, 40.0)).isFalse();
    assertThat(ParetoFront.dominates(1.0, 40.0, 1.0, 39.0)).isTrue();
    assertThat(ParetoFront.dominates(0.9, 40.0, 1.0, 40.0)).isTrue();
    assertThat(ParetoFront.dominates(0.9, 39.0, 1.0, 40.0)).isFalse();
  }

  @Property
  void frontIsExactlyTheNonDominatedSet(@ForAll("points") List<Point> points) {
    List<Point> front = front(points);
    for (Point member : front) {
      assertThat(points)
          .noneMatch(
              other ->
                  other.quality() != null
                      && other.energy() != null
                      && ParetoFront.dominates(
                          other.energy(), other.quality(), member.energy(), member.quality()));
    }
    for (Point point : points) {
      if (point.quality() == null || point.energy() == null || front.contains(point)) {
        continue;
      }
      assertThat(front)
          .anyMatch(
              member ->
                  ParetoFront.dominates(
                      member.energy(), member.quality(), point.energy(), point.quality()));
    }
    assertThat(front).allMatch(member -> member.quality() != null && member.energy() != null);
  }

  @Provide
  Arbitrary<List<Point>> points() {
    // Coarse grids make ties and equal coordinates common, which is where off-by-one dominance bugs
    // live.
    Arbitrary<Double> energy =
        Arbitraries.integers().between(1, 8).map(i -> i * 0.25).injectNull(0.05);
    Arbitrary<Double> quality =
        Arbitraries.integers().between(30, 38).map(Integer::doubleValue).injectNull(0.15);
    Arbitrary<String> name = Arbitraries.strings().alpha().ofLength(4);
    return Combinators.combine(name, energy, quality).as(Point::new).list().ofMaxSize(25);
  }
}
