package io.ffrtmp.job;

import io.ffrtmp.job.JobSpec.Input;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code input} part of a spec: a synthetic lavfi pattern (of the video's size and rate unless
 * given; {@code live_synthetic} publishes it at realtime as a camera), a file named by a path that
 * cannot leave the worker's media roots, or an RTMP or SRT URL of a checked form.
 */
final class InputParser {

  static final double MAX_DURATION_S = 6 * 3600;

  /**
   * What {@code input.path} may be: relative, inside a media root once resolved there, no way out
   * by name.
   */
  static final String PATH_ACCEPTED =
      "a path relative to a media root (e.g. clips/talk-1080p.mp4): "
          + "not absolute, no '..', no control characters";

  private InputParser() {}

  /**
   * {@code resolution} and {@code fps} are the video's: a pattern input without its own gets those.
   */
  static Input parse(JsonObject in, Resolution resolution, double fps) {
    String type = in.getString("type", "synthetic");
    return switch (type) {
      case "file" -> file(in);
      case "rtmp", "srt" -> stream(in, type);
      default -> pattern(in, type, resolution, fps);
    };
  }

  /** Fields of other input types are refused by name, with what this type accepts. */
  private static void only(JsonObject in, String type, String accepted, List<String> foreign) {
    for (String f : foreign) {
      if (in.containsKey(f)) {
        throw new SpecException(
            "input." + f, "not used with input type " + type + "; accepted here: " + accepted);
      }
    }
  }

  private static Input pattern(JsonObject in, String type, Resolution resolution, double fps) {
    if (in.containsKey("path")) {
      throw new SpecException(
          "input.path",
          "only for input type file; accepted here: pattern, duration_s, resolution, fps");
    }
    only(in, type, "pattern, duration_s, resolution, fps", List.of("url", "realtime"));
    double durationS = durationOf(in);
    Resolution inRes =
        in.getString("resolution") == null
            ? resolution
            : Resolution.parse("input.resolution", in.getString("resolution"));
    double inFps = in.getValue("fps") == null ? fps : Fps.check("input.fps", in.getDouble("fps"));
    if (Math.round(durationS * inFps) < 1) {
      throw new SpecException(
          "input.duration_s",
          "shorter than one frame at "
              + Fps.format(inFps)
              + " fps; accepted: at least 1/fps seconds");
    }
    String pattern = in.getString("pattern", "testsrc2");
    if ("natural".equals(pattern) && !"synthetic".equals(type)) {
      // Pre-rendered before the energy window: a camera publishing at realtime cannot wait for it.
      throw new SpecException(
          "input.pattern",
          "natural is pre-rendered and only for input type synthetic; accepted for "
              + type
              + ": testsrc2, testsrc, smptehdbars, mandelbrot, life, rgbtestsrc");
    }
    return new Input(type, pattern, durationS, inRes, inFps);
  }

  /** An RTMP or SRT URL, its form checked here; its host is checked against the live hosts. */
  private static Input stream(JsonObject in, String type) {
    only(in, type, "url, duration_s", List.of("path", "pattern", "resolution", "fps", "realtime"));
    URI url = LiveUrl.parse("input.url", type, in.getString("url"));
    return new Input(type, null, durationOf(in), null, 0, null, url, false);
  }

  /** Seconds a pattern or live input runs: 10 unless given. */
  private static double durationOf(JsonObject in) {
    double durationS = in.getValue("duration_s") == null ? 10 : in.getDouble("duration_s");
    if (!(durationS > 0 && durationS <= MAX_DURATION_S)) {
      throw new SpecException(
          "input.duration_s",
          in.getValue("duration_s")
              + " is out of range; accepted: more than 0 and at most "
              + (int) MAX_DURATION_S
              + " seconds");
    }
    return durationS;
  }

  private static Input file(JsonObject in) {
    String path = in.getString("path");
    if (path == null) {
      throw new SpecException(
          "input.path", "required for input type file; accepted: " + PATH_ACCEPTED);
    }
    if (path.startsWith("/")
        || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
        || Arrays.asList(path.split("/")).contains("..")
        || path.isBlank()) {
      throw new SpecException(
          "input.path",
          "'"
              + path.replaceAll("\\p{Cntrl}", "?")
              + "' is not accepted; accepted: "
              + PATH_ACCEPTED);
    }
    for (String f : List.of("pattern", "resolution", "fps")) {
      if (in.containsKey(f)) {
        throw new SpecException(
            "input." + f,
            "not used with input type file (taken from the file); accepted: path, duration_s,"
                + " realtime");
      }
    }
    only(in, "file", "path, duration_s, realtime", List.of("url"));
    // 0: the whole file.
    double durationS = in.getValue("duration_s") == null ? 0 : in.getDouble("duration_s");
    if (!(durationS >= 0 && durationS <= MAX_DURATION_S)) {
      throw new SpecException(
          "input.duration_s",
          in.getValue("duration_s")
              + " is out of range; accepted: 0 (the "
              + "whole file) to "
              + (int) MAX_DURATION_S
              + " seconds");
    }
    boolean realtime = in.getBoolean("realtime", false);
    return new Input("file", null, durationS, null, 0, path, null, realtime);
  }
}
