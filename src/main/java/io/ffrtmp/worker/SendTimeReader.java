package io.ffrtmp.worker;

import io.ffrtmp.worker.engine.FfmpegCommand;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Reads the synthetic camera's send-time strip back from the latency reader's XBM lines and keeps,
 * for each frame whose markers read right, its arrival wall time minus its send time. Both clocks
 * are this host's: the camera and the reader run on the same worker.
 */
final class SendTimeReader {

  static final String METHOD =
      "send-time strip: the camera draws each frame's wall-clock ms (mod 2^24) as 24 cells;"
          + " arrival at the reader's decoder minus that";

  private static final long MODULUS = 1L << FfmpegCommand.STAMP_BITS;

  /** A sample beyond this is a misread strip rather than a latency. */
  static final long IMPLAUSIBLE_MS = 120_000;

  private final LongSupplier clockMs;
  private final StringBuilder bytes = new StringBuilder();
  private final List<Long> latenciesMs = new ArrayList<>();
  private int unreadable;

  SendTimeReader(LongSupplier clockMs) {
    this.clockMs = clockMs;
  }

  /** One stdout line of the reader; a frame ends with the line holding {@code };}. */
  void accept(String line) {
    String t = line.trim();
    if (t.startsWith("#define") || t.startsWith("static")) {
      bytes.setLength(0);
      return;
    }
    bytes.append(t);
    if (t.endsWith("};")) {
      long now = clockMs.getAsLong();
      Long sent = sendTime(bytes.toString().replace("};", ""));
      bytes.setLength(0);
      if (sent == null) {
        unreadable++;
        return;
      }
      long latency = Math.floorMod(now - sent, MODULUS);
      if (latency > IMPLAUSIBLE_MS) {
        unreadable++;
      } else {
        latenciesMs.add(latency);
      }
    }
  }

  /**
   * The send time (ms mod 2^24) in one frame's XBM bytes ({@code 0xD4, 0x7D, ...}, the first pixel
   * in the low bit, 1 = black); null when the markers do not read white then black.
   */
  static Long sendTime(String xbmBytes) {
    String[] parts = xbmBytes.split(",");
    int cells = FfmpegCommand.STAMP_CELLS;
    if (parts.length < (cells + 7) / 8) {
      return null;
    }
    int[] b = new int[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        String p = parts[i].trim();
        if (p.isEmpty()) {
          continue;
        }
        b[i] = Integer.parseInt(p.startsWith("0x") || p.startsWith("0X") ? p.substring(2) : p, 16);
      }
    } catch (NumberFormatException e) {
      return null;
    }
    boolean[] white = new boolean[cells];
    for (int i = 0; i < cells; i++) {
      white[i] = ((b[i / 8] >> (i % 8)) & 1) == 0;
    }
    if (!white[0] || white[cells - 1]) {
      return null;
    }
    long v = 0;
    for (int i = 1; i <= FfmpegCommand.STAMP_BITS; i++) {
      v = v * 2 + (white[i] ? 1 : 0);
    }
    return v;
  }

  int samples() {
    return latenciesMs.size();
  }

  /** {@code {p50, max, samples, unreadable, method}}; p50 and max null when nothing was read. */
  JsonObject toJson() {
    List<Long> sorted = new ArrayList<>(latenciesMs);
    sorted.sort(null);
    JsonObject j = new JsonObject();
    j.put("p50", sorted.isEmpty() ? null : sorted.get((sorted.size() - 1) / 2));
    j.put("max", sorted.isEmpty() ? null : sorted.get(sorted.size() - 1));
    return j.put("samples", sorted.size()).put("unreadable", unreadable).put("method", METHOD);
  }
}
