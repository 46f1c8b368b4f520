package io.ffrtmp.worker.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Parses FFmpeg's {@code -progress} output: {@code key=value} lines accumulated until {@code
 * progress=continue|end}, then emitted as one {@link Progress}. Values are trimmed; {@code N/A} and
 * the old negative sentinel become null; {@code kbits/s} and {@code x} suffixes are stripped;
 * {@code out_time_us} is preferred, {@code out_time} the fallback. Not thread-safe: one parser per
 * process, fed from its reader thread.
 */
public final class ProgressParser {

  private final Consumer<Progress> sink;
  private final Map<String, String> block = new HashMap<>();

  public ProgressParser(Consumer<Progress> sink) {
    this.sink = sink;
  }

  public void accept(String line) {
    int eq = line.indexOf('=');
    if (eq <= 0) {
      return;
    }
    String key = line.substring(0, eq).trim();
    String value = line.substring(eq + 1).trim();
    if (key.equals("progress")) {
      sink.accept(build(value.equals("end")));
      block.clear();
    } else {
      block.put(key, value);
    }
  }

  private Progress build(boolean end) {
    Long outTime = longOf(block.get("out_time_us"));
    if (outTime == null) {
      outTime = parseClock(block.get("out_time"));
    }
    return new Progress(
        longOf(block.get("frame")),
        doubleOf(block.get("fps")),
        doubleOf(strip(block.get("bitrate"), "kbits/s")),
        longOf(block.get("total_size")),
        outTime,
        longOf(block.get("dup_frames")),
        longOf(block.get("drop_frames")),
        doubleOf(strip(block.get("speed"), "x")),
        end);
  }

  private static String strip(String v, String suffix) {
    if (v == null) {
      return null;
    }
    String t = v.trim();
    return t.endsWith(suffix) ? t.substring(0, t.length() - suffix.length()).trim() : t;
  }

  static Long longOf(String v) {
    if (v == null || v.isEmpty() || v.equals("N/A")) {
      return null;
    }
    try {
      long x = Long.parseLong(v.trim());
      return x < 0 ? null : x; // older builds print -9223372036854775807 before the first timestamp
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Double doubleOf(String v) {
    if (v == null || v.isEmpty() || v.equals("N/A")) {
      return null;
    }
    try {
      double x = Double.parseDouble(v.trim());
      return Double.isFinite(x) && x >= 0 ? x : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code HH:MM:SS.micro} → microseconds; null for N/A or a negative time. */
  static Long parseClock(String v) {
    if (v == null || v.startsWith("-") || v.equals("N/A")) {
      return null;
    }
    String[] p = v.trim().split(":");
    if (p.length != 3) {
      return null;
    }
    try {
      double seconds =
          Integer.parseInt(p[0]) * 3600.0
              + Integer.parseInt(p[1]) * 60.0
              + Double.parseDouble(p[2]);
      return Math.round(seconds * 1_000_000);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
