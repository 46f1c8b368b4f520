package io.ffrtmp.worker.engine;

import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a {@code gst-launch-1.0 -v} pipeline's own output into the {@link Progress} records the
 * FFmpeg path produces. The pipeline ends in an {@code identity silent=false} named {@value
 * GstCommand#PROGRESS_ELEMENT} after the encoder, whose {@code last-message} gst-launch prints for
 * every buffer: one line per encoded frame with its size. Its {@code videorate} (named {@value
 * GstCommand#RATE_ELEMENT}, {@code silent=false}) prints its {@code duplicate} and {@code drop}
 * counters. From these: frames, bytes, output time (frames at the spec's rate), average fps and
 * speed since the process started, and the bitrate so far. A record goes out at most every {@link
 * #PERIOD_NS} (as FFmpeg's {@code -stats_period 0.5}) and once more, with {@code end}, when
 * gst-launch reports the end of stream. Not thread-safe: one parser per process, fed in order.
 */
public final class GstProgressParser implements Consumer<String> {

  static final long PERIOD_NS = 500_000_000L;

  private static final Pattern FRAME =
      Pattern.compile(
          "GstIdentity:"
              + Pattern.quote(GstCommand.PROGRESS_ELEMENT)
              + ": last-message = chain .*?\\((\\d+) bytes,");
  private static final Pattern RATE =
      Pattern.compile(
          "GstVideoRate:" + Pattern.quote(GstCommand.RATE_ELEMENT) + ": (duplicate|drop) = (\\d+)");
  private static final String EOS = "Got EOS from element";

  private final Consumer<Progress> sink;
  private final double fps;
  private final LongSupplier clockNs;
  private final long startNs;
  private long frames;
  private long bytes;
  private long duplicated;
  private long dropped;
  private long lastEmitNs;
  private boolean ended;

  /** {@code fps}: the spec's output rate, which turns a frame count into output time. */
  public GstProgressParser(Consumer<Progress> sink, double fps) {
    this(sink, fps, System::nanoTime);
  }

  GstProgressParser(Consumer<Progress> sink, double fps, LongSupplier clockNs) {
    this.sink = sink;
    this.fps = fps;
    this.clockNs = clockNs;
    this.startNs = clockNs.getAsLong();
    this.lastEmitNs = startNs;
  }

  @Override
  public void accept(String line) {
    if (ended) {
      return;
    }
    Matcher f = FRAME.matcher(line);
    if (f.find()) {
      frames++;
      bytes += Long.parseLong(f.group(1));
    } else {
      Matcher r = RATE.matcher(line);
      if (r.find()) {
        long n = Long.parseLong(r.group(2));
        if (r.group(1).equals("duplicate")) {
          duplicated = n;
        } else {
          dropped = n;
        }
      } else if (line.contains(EOS)) {
        ended = true;
        sink.accept(progress(clockNs.getAsLong(), true));
        return;
      } else {
        return;
      }
    }
    long now = clockNs.getAsLong();
    if (now - lastEmitNs >= PERIOD_NS) {
      lastEmitNs = now;
      sink.accept(progress(now, false));
    }
  }

  private Progress progress(long nowNs, boolean end) {
    double elapsedS = (nowNs - startNs) / 1e9;
    long outTimeUs = Math.round(frames * 1e6 / fps);
    Double avgFps = elapsedS > 0 ? round(frames / elapsedS, 2) : null;
    Double speed = elapsedS > 0 ? round(outTimeUs / 1e6 / elapsedS, 3) : null;
    Double kbps = outTimeUs > 0 ? round(bytes * 8.0 / (outTimeUs / 1e6) / 1000, 1) : null;
    return new Progress(frames, avgFps, kbps, bytes, outTimeUs, duplicated, dropped, speed, end);
  }

  private static double round(double v, int places) {
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }
}
