package io.ffrtmp.worker.engine;

import java.util.Map;
import java.util.TreeMap;
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
              + "(?:-(\\d+))?: last-message = chain .*?\\((\\d+) bytes,.*? pts: ([0-9:.]+|none),"
              + " duration: ([0-9:.]+|none), offset: (\\d+)");

  /** What one output's probe counted: its encoded frames and their bytes. */
  public record Output(long frames, long bytes) {}

  private static final Pattern RATE =
      Pattern.compile(
          "GstVideoRate:" + Pattern.quote(GstCommand.RATE_ELEMENT) + ": (duplicate|drop) = (\\d+)");

  /** How gst-launch says the stream has ended. */
  public static final String EOS = "Got EOS from element";

  private final Consumer<Progress> sink;
  private final double fps;
  private final LongSupplier clockNs;
  private final long startNs;

  /** Each probe's count by rung: 0 is the job's own (or a ladder's first rung). */
  private final Map<Integer, Probe> probes = new TreeMap<>();

  /**
   * What one probe saw. gst-launch prints a property notification per buffer, but with several
   * streaming threads (a ladder's branches) it repeats some and loses others. Every buffer carries
   * its byte offset in the stream and its timestamp, so a repeat is known by its offset (the last
   * {@value #RECENT} are kept), the bytes are the furthest offset plus that buffer's size, and the
   * frames are at least the timestamp span over the frame duration: exact whether a line is
   * repeated or lost, in bounded memory.
   */
  static final class Probe {
    static final int RECENT = 64;
    private final long[] recent = new long[RECENT];
    private int next;
    private int filled;
    private long lines;
    private long bytes;
    private long firstPtsNs = -1;
    private long maxIndex = -1;

    void add(long size, long offset, long ptsNs, long durationNs) {
      for (int i = 0; i < filled; i++) {
        if (recent[i] == offset) {
          return;
        }
      }
      recent[next] = offset;
      next = (next + 1) % RECENT;
      filled = Math.min(filled + 1, RECENT);
      lines++;
      bytes = Math.max(bytes, offset + size);
      if (ptsNs >= 0 && durationNs > 0) {
        if (firstPtsNs < 0) {
          firstPtsNs = ptsNs; // the first buffer out of an encoder is its first (key) frame
        }
        maxIndex = Math.max(maxIndex, Math.round((ptsNs - firstPtsNs) / (double) durationNs));
      }
    }

    long frames() {
      return Math.max(lines, maxIndex + 1);
    }

    long bytes() {
      return bytes;
    }
  }

  /** "1000:00:00.033333333" → ns; "none" → -1. */
  static long clockTimeNs(String t) {
    if ("none".equals(t)) {
      return -1;
    }
    String[] hms = t.split(":");
    String[] sec = hms[2].split("\\.");
    long ns = sec.length > 1 ? Long.parseLong((sec[1] + "000000000").substring(0, 9)) : 0;
    return ((Long.parseLong(hms[0]) * 60 + Long.parseLong(hms[1])) * 60 + Long.parseLong(sec[0]))
            * 1_000_000_000L
        + ns;
  }

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
      int rung = f.group(1) == null ? 0 : Integer.parseInt(f.group(1));
      probes
          .computeIfAbsent(rung, k -> new Probe())
          .add(
              Long.parseLong(f.group(2)),
              Long.parseLong(f.group(5)),
              clockTimeNs(f.group(3)),
              clockTimeNs(f.group(4)));
      if (rung != 0) {
        return; // progress follows the first rung, as FFmpeg's follows its first output
      }
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

  /**
   * Each output's count so far by its index (a ladder's rungs; one entry for a plain encode): what
   * FFmpeg's closing account says per output stream.
   */
  public Map<Integer, Output> outputs() {
    Map<Integer, Output> m = new TreeMap<>();
    m.put(0, new Output(0, 0));
    probes.forEach((i, c) -> m.put(i, new Output(c.frames(), c.bytes())));
    return m;
  }

  private Progress progress(long nowNs, boolean end) {
    Probe first = probes.get(0);
    long frames = first == null ? 0 : first.frames();
    long bytes = first == null ? 0 : first.bytes();
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
