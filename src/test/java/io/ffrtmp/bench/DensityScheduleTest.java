package io.ffrtmp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class DensityScheduleTest {

  /** Runs the schedule against a node that holds {@code holds}; the Ns in the order tried. */
  private static List<Integer> run(DensitySchedule s, IntPredicate holds) {
    List<Integer> order = new ArrayList<>();
    for (OptionalInt n = s.next(); n.isPresent(); n = s.next()) {
      assertThat(order).as("no N is tried twice").doesNotContain(n.getAsInt());
      order.add(n.getAsInt());
      s.record(n.getAsInt(), holds.test(n.getAsInt()));
    }
    return order;
  }

  @Test
  void doublesUntilAStepFailsThenBisects() {
    DensitySchedule s = new DensitySchedule(1, 32);
    assertThat(run(s, n -> n <= 5)).containsExactly(1, 2, 4, 8, 6, 5);
    assertThat(s.largest()).isEqualTo(5);
  }

  @Test
  void theLastDoublingIsCappedAtMaxAndAHeldMaxEndsIt() {
    DensitySchedule s = new DensitySchedule(1, 12);
    assertThat(run(s, n -> true)).containsExactly(1, 2, 4, 8, 12);
    assertThat(s.largest()).isEqualTo(12);
  }

  @Test
  void aFailureAtTheCapBisectsBelowIt() {
    DensitySchedule s = new DensitySchedule(1, 12);
    assertThat(run(s, n -> n <= 10)).containsExactly(1, 2, 4, 8, 12, 10, 11);
    assertThat(s.largest()).isEqualTo(10);
  }

  @Test
  void aFailedFirstStepBisectsDownAndMayFindNone() {
    DensitySchedule s = new DensitySchedule(4, 16);
    assertThat(run(s, n -> n <= 2)).containsExactly(4, 2, 3);
    assertThat(s.largest()).isEqualTo(2);
    DensitySchedule none = new DensitySchedule(1, 16);
    assertThat(run(none, n -> false)).containsExactly(1);
    assertThat(none.largest()).isZero();
  }

  @Test
  void everyAnswerIsTheLargestHeldNeighbourOfTheSmallestFailed() {
    for (int max = 1; max <= 20; max++) {
      for (int capacity = 0; capacity <= max + 1; capacity++) {
        int c = capacity;
        DensitySchedule s = new DensitySchedule(1, max);
        run(s, n -> n <= c);
        assertThat(s.largest()).as("max %d, capacity %d", max, c).isEqualTo(Math.min(c, max));
      }
    }
  }
}
