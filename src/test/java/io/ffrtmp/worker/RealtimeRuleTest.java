package io.ffrtmp.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The holds-realtime rule on made-up progress: wall times are given, nothing is timed here. */
class RealtimeRuleTest {

  private static final long S = 1_000_000_000L;

  /**
   * Blocks every half second from {@code fromS} to {@code toS}, output advancing at {@code speed}.
   */
  private static void feed(RealtimeRule r, double fromS, double toS, double speed, long[] out) {
    for (double t = fromS; t <= toS + 1e-9; t += 0.5) {
      out[0] += Math.round(0.5 * speed * 1e6);
      r.add(Math.round(t * S), out[0], out[0] * 30 / 1_000_000, 0L);
    }
  }

  @Test
  void aSteadyRealtimeStreamHolds() {
    RealtimeRule r = new RealtimeRule(10);
    feed(r, 0, 30, 1.0, new long[] {0});
    assertThat(r.minWindowSpeed()).isCloseTo(1.0, within(1e-9));
    assertThat(r.holds()).isTrue();
    assertThat(r.toJson().getDouble("window_s")).isEqualTo(10.0);
  }

  @Test
  void theClosingBlockWrittenWhileTheSinkFlushesIsNotASample() {
    RealtimeRule r = new RealtimeRule(4);
    long[] out = {0};
    feed(r, 0, 8, 1.0, out);
    r.add(Math.round(8.4 * S), out[0], out[0] * 30 / 1_000_000, 0L); // no new output
    // The closing block, a frame more after the sink's 0.3 s flush: its counts, not its time.
    r.add(Math.round(8.7 * S), out[0] + 33_333, out[0] * 30 / 1_000_000 + 1, 0L, true);
    assertThat(r.minWindowSpeed()).isCloseTo(1.0, within(1e-9));
    assertThat(r.holds()).isTrue();
    assertThat(r.toJson().getLong("frames")).isEqualTo(out[0] * 30 / 1_000_000 + 1);
  }

  /**
   * A stream at exactly realtime whose every other progress block arrives 60 ms (under two frames)
   * late, as frames leave an encoder's threads in bursts: without the frame's allowance a window
   * from an on-time block to a late one reads 0.987.
   */
  @Test
  void aWindowsOutputIsKnownToAFrame() {
    RealtimeRule exact = new RealtimeRule(4.25);
    RealtimeRule allowed = new RealtimeRule(4.25, 30);
    for (int k = 1; k <= 40; k++) {
      long frames = 15L * k;
      long outUs = Math.round(frames * 1e6 / 30);
      long at = k * S / 2 + (k % 2 == 1 ? 60_000_000L : 0);
      exact.add(at, outUs, frames, 0L);
      allowed.add(at, outUs, frames, 0L);
    }
    assertThat(exact.minWindowSpeed()).isLessThan(0.99);
    assertThat(allowed.minWindowSpeed()).isGreaterThanOrEqualTo(0.99).isLessThan(1.02);
    assertThat(allowed.holds()).isTrue();
  }

  @Test
  void aStallShowsInTheNextBlockWithOutput() {
    RealtimeRule r = new RealtimeRule(4);
    long[] out = {0};
    feed(r, 0, 8, 1.0, out);
    r.add(Math.round(9 * S), out[0], null, 0L); // stalled: skipped
    feed(r, 10, 16, 1.0, out); // the next block has 0.5 s of output for 2 s of wall time
    assertThat(r.minWindowSpeed()).isLessThan(0.9);
    assertThat(r.holds()).isFalse();
  }

  @Test
  void oneSlowWindowFailsTheWholeRunThoughTheAverageIsFine() {
    RealtimeRule r = new RealtimeRule(10);
    long[] out = {0};
    feed(r, 0, 20, 1.05, out);
    feed(r, 20.5, 30, 0.95, out); // ten seconds at 0.95x
    feed(r, 30.5, 60, 1.05, out);
    assertThat(r.minWindowSpeed()).isLessThan(0.99).isGreaterThan(0.94);
    assertThat(r.holds()).isFalse();
  }

  @Test
  void aDipShorterThanTheWindowIsAveragedOut() {
    RealtimeRule r = new RealtimeRule(10);
    long[] out = {0};
    feed(r, 0, 20, 1.0, out);
    feed(r, 20.5, 21, 0.9, out); // one second at 0.9x, then catching up
    feed(r, 21.5, 22, 1.1, out);
    feed(r, 22.5, 40, 1.0, out);
    assertThat(r.minWindowSpeed()).isGreaterThanOrEqualTo(0.99);
    assertThat(r.holds()).isTrue();
  }

  @Test
  void droppedFramesBeyondHalfAPercentFail() {
    RealtimeRule r = new RealtimeRule(5);
    feed(r, 0, 10, 1.0, new long[] {0});
    // feed's output runs half a second ahead of the wall clock
    r.add(Math.round(10.5 * S), 11_000_000L, 315L, 1L); // 1 of 315: within 0.5 %
    assertThat(r.holds()).isTrue();
    r.add(Math.round(11 * S), 11_500_000L, 330L, 2L); // 2 of 330: beyond
    assertThat(r.holds()).isFalse();
  }

  @Test
  void blocksBeforeTheFirstOutputDoNotCountAndAShortRunIsOneWindow() {
    RealtimeRule r = new RealtimeRule(10);
    // Four seconds connecting: FFmpeg reports output time 0 (or N/A) meanwhile.
    for (int i = 0; i < 8; i++) {
      r.add(i * S / 2, i % 2 == 0 ? 0L : null, 0L, 0L);
    }
    feed(r, 4, 8, 1.0, new long[] {0});
    assertThat(r.usedWindowS()).isEqualTo(4.0);
    assertThat(r.minWindowSpeed()).isCloseTo(1.0, within(1e-9));
    assertThat(r.holds()).isTrue();
  }

  @Test
  void aRunTooShortToJudgeDoesNotHold() {
    RealtimeRule r = new RealtimeRule(10);
    r.add(0, 100_000L, 3L, 0L);
    r.add(S / 2, 600_000L, 18L, 0L);
    assertThat(r.minWindowSpeed()).isNull();
    assertThat(r.holds()).isFalse();
    assertThat(r.toJson().getString("note")).contains("too short");
  }
}
