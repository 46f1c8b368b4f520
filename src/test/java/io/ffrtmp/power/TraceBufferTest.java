package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TraceBufferTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void keepsEveryIntervalBelowCapacity() {
    TraceBuffer trace = new TraceBuffer(8);
    for (int i = 0; i < 5; i++) {
      trace.add(i * SECOND, SECOND, 10.0 + i);
    }
    assertThat(trace.points())
        .extracting(TracePoint::tMs)
        .containsExactly(0L, 1000L, 2000L, 3000L, 4000L);
    assertThat(trace.points())
        .extracting(TracePoint::watts)
        .containsExactly(10.0, 11.0, 12.0, 13.0, 14.0);
  }

  @Test
  void downsamplesPairwiseAndStaysBoundedOverALongRun() {
    TraceBuffer trace = new TraceBuffer(3600);
    double totalJoules = 0;
    int intervals = 100_000;
    for (int i = 0; i < intervals; i++) {
      double joules = i % 2 == 0 ? 10.0 : 30.0;
      trace.add(i * SECOND, SECOND, joules);
      totalJoules += joules;
      assertThat(trace.points().size()).isLessThanOrEqualTo(3600);
    }
    List<TracePoint> points = trace.points();
    assertThat(points.get(0).tMs()).isZero();
    assertThat(points).isSortedAccordingTo((a, b) -> Long.compare(a.tMs(), b.tMs()));
    // Merged buckets average energy over time: 10 W and 30 W alternating is 20 W everywhere after
    // merging.
    assertThat(points.get(0).watts()).isCloseTo(20.0, within(1e-9));
    // Energy is preserved: sum of watts x bucket length equals what went in.
    double traced = 0;
    for (int i = 0; i < points.size(); i++) {
      long endMs = i + 1 < points.size() ? points.get(i + 1).tMs() : intervals * 1000L;
      traced += points.get(i).watts() * (endMs - points.get(i).tMs()) / 1000.0;
    }
    assertThat(traced).isCloseTo(totalJoules, within(1e-6 * totalJoules));
  }

  @Test
  void shortTailFoldsIntoLastPoint() {
    TraceBuffer trace = new TraceBuffer(8);
    trace.add(0, SECOND, 10.0);
    trace.extendLast(SECOND, SECOND / 10, 5.0);
    assertThat(trace.points()).hasSize(1);
    assertThat(trace.points().get(0).watts()).isCloseTo(15.0 / 1.1, within(1e-9));
  }
}
