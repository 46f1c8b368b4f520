package io.ffrtmp.worker;

import static io.ffrtmp.worker.Decimals.round;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a live encode held realtime, from its progress blocks: speed (seconds of output per
 * second of wall time) over every sliding window of {@code windowS} stays at or above {@value
 * #MIN_SPEED}, and FFmpeg dropped at most {@value #MAX_DROPPED_FRACTION} of the frames. Windows
 * start at the first block with output time past zero, so connecting and the encoder's lookahead
 * filling do not count; a run shorter than one window is judged as one window of its length. Wall
 * times come from the caller (monotonic nanoseconds), so the rule itself is plain arithmetic.
 */
final class RealtimeRule {

  static final double MIN_SPEED = 0.99;
  static final double MAX_DROPPED_FRACTION = 0.005;

  /** Shorter than this, a run says nothing about its speed. */
  static final double MIN_SPAN_S = 1.0;

  static final String RULE =
      "speed (output time, known to a frame, over wall time) >= "
          + MIN_SPEED
          + " over every sliding window of window_s seconds, and dropped frames <= "
          + (MAX_DROPPED_FRACTION * 100)
          + " % of frames";

  private record Sample(long wallNs, long outUs) {}

  private final double windowS;

  /** One frame of output time: how finely an encoder's progress knows its output time. */
  private final long frameUs;

  private final List<Sample> samples = new ArrayList<>();
  private long frames;
  private long dropped;

  /** Judged as measured, without a frame's allowance (made-up series). */
  RealtimeRule(double windowS) {
    this(windowS, 0);
  }

  /**
   * {@code fps}: the output's rate. Output time advances a frame at a time and the encoders hand
   * frames out in small bursts (frame threads), so a window's output is known to one frame: the
   * window gets that frame's benefit of the doubt. Over a 4 s window at 30 fps one frame is 0.8 %,
   * as much as the rule's whole margin; without it a stream at exactly realtime was judged 0.991.
   */
  RealtimeRule(double windowS, double fps) {
    this.windowS = windowS;
    this.frameUs = fps > 0 ? Math.round(1e6 / fps) : 0;
  }

  /** One progress block, seen at {@code wallNs}; its fields may be null (FFmpeg's N/A). */
  void add(long wallNs, Long outTimeUs, Long frame, Long dropFrames) {
    add(wallNs, outTimeUs, frame, dropFrames, false);
  }

  /**
   * As {@link #add(long, Long, Long, Long)}; {@code end}: the closing block, whose counts are the
   * run's totals but which is no sample of its pace. It is written once the muxer and sink have
   * flushed and the process is ending (for GStreamer after the sink's end of stream, tens of ms to
   * over a second after the last frame), so its wall time says when the teardown finished, not when
   * the frames left the encoder; with a frame or two more than the block before, it made a stream
   * at realtime read 0.989 over a 6 s window.
   */
  void add(long wallNs, Long outTimeUs, Long frame, Long dropFrames, boolean end) {
    if (frame != null) {
      frames = frame;
    }
    if (dropFrames != null) {
      dropped = dropFrames;
    }
    if (end || outTimeUs == null || outTimeUs <= 0) {
      return;
    }
    // A block with no new output is not a sample: a stall shows in the next block that has some.
    if (!samples.isEmpty() && outTimeUs <= samples.get(samples.size() - 1).outUs()) {
      return;
    }
    samples.add(new Sample(wallNs, outTimeUs));
  }

  /**
   * The lowest speed over any window, or null when the run is too short to judge: for each block,
   * against the latest block at least one window earlier.
   */
  Double minWindowSpeed() {
    if (samples.size() < 2 || spanS() < MIN_SPAN_S) {
      return null;
    }
    double w = usedWindowS();
    long windowNs = Math.round(w * 1e9);
    Double min = null;
    int j = 0;
    for (int i = 1; i < samples.size(); i++) {
      Sample now = samples.get(i);
      // Advance j to the latest sample still at least one window before now.
      while (j + 1 < i && samples.get(j + 1).wallNs() <= now.wallNs() - windowNs) {
        j++;
      }
      Sample then = samples.get(j);
      if (now.wallNs() - then.wallNs() < windowNs) {
        continue;
      }
      double speed =
          (now.outUs() - then.outUs() + frameUs) * 1000.0 / (now.wallNs() - then.wallNs());
      min = min == null ? speed : Math.min(min, speed);
    }
    return min;
  }

  /** The window as applied: the asked one, or the run's span when that is shorter. */
  double usedWindowS() {
    return Math.min(windowS, spanS());
  }

  private double spanS() {
    return samples.isEmpty()
        ? 0
        : (samples.get(samples.size() - 1).wallNs() - samples.get(0).wallNs()) / 1e9;
  }

  boolean holds() {
    Double min = minWindowSpeed();
    return min != null && min >= MIN_SPEED && dropped <= MAX_DROPPED_FRACTION * frames;
  }

  /** The verdict as the result records it. */
  JsonObject toJson() {
    Double min = minWindowSpeed();
    JsonObject j =
        new JsonObject()
            .put("holds_realtime", holds())
            .put("min_window_speed", min == null ? null : round(min, 4))
            .put("window_s", round(usedWindowS(), 3))
            .put("window_s_asked", windowS)
            .put("frames", frames)
            .put("dropped_frames", dropped)
            .put("samples", samples.size())
            .put("rule", RULE);
    if (min == null) {
      j.put("note", "the encode produced under " + MIN_SPAN_S + " s of output: too short to judge");
    }
    return j;
  }
}
