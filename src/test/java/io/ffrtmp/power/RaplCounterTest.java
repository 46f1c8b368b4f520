package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RaplCounterTest {

  private static final long INTEL_MAX = FakePowercap.INTEL_MAX_ENERGY_RANGE_UJ;

  @Test
  void noWrapIsPlainDifference() {
    assertThat(RaplCounter.deltaMicrojoules(1_000, 5_500, INTEL_MAX)).isEqualTo(4_500);
    assertThat(RaplCounter.deltaMicrojoules(7, 7, INTEL_MAX)).isZero();
  }

  @Test
  void wrapCountsTheStepFromMaxToZero() {
    // max -> 0 is one counter step, not zero: the "+ 1" of the exact formula.
    assertThat(RaplCounter.deltaMicrojoules(INTEL_MAX, 0, INTEL_MAX)).isEqualTo(1);
    assertThat(RaplCounter.deltaMicrojoules(INTEL_MAX - 9, 10, INTEL_MAX)).isEqualTo(20);
    assertThat(RaplCounter.deltaMicrojoules(10, 9, 100)).isEqualTo(100);
  }

  @Test
  void amdWrapAfter234SecondsAt280Watts() {
    long max = FakePowercap.AMD_MAX_ENERGY_RANGE_UJ;
    long prev = max - 1_000_000; // 1 J before the wrap
    long cur = 2_000_000; // 2 J after it
    assertThat(RaplCounter.deltaMicrojoules(prev, cur, max)).isEqualTo(3_000_001);
  }

  @Property
  void deltaOfAdvancedCounterIsTheAdvance(
      @ForAll @LongRange(min = 1, max = 1L << 40) long max,
      @ForAll @LongRange(min = 0, max = 1L << 40) long anyStart,
      @ForAll @LongRange(min = 0, max = 1L << 40) long anyK) {
    // Folding into 0..max keeps every try valid instead of rejecting most of them.
    long start = anyStart % (max + 1);
    long k = anyK % (max + 1);
    long cur = Math.floorMod(start + k, max + 1);
    assertThat(RaplCounter.deltaMicrojoules(start, cur, max)).isEqualTo(k);
  }

  @Property
  void deltaWithRealIntelRange(
      @ForAll @LongRange(min = 0, max = INTEL_MAX) long start,
      @ForAll @LongRange(min = 0, max = INTEL_MAX) long k) {
    long cur = Math.floorMod(start + k, INTEL_MAX + 1);
    assertThat(RaplCounter.deltaMicrojoules(start, cur, INTEL_MAX)).isEqualTo(k);
  }
}
