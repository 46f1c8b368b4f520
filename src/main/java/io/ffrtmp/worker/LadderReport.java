package io.ffrtmp.worker;

import static io.ffrtmp.worker.Decimals.round;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.worker.engine.GstProgressParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-rendition figures of an ABR ladder, from FFmpeg's closing account at {@code verbose} (each
 * output's frames and muxed bytes, and the frames decoded from the input) and, for files, the
 * files' sizes. The energy is the one process's: it is not separable by rendition, so it is given
 * per input frame and as the ladder's watts.
 */
final class LadderReport {

  private static final Pattern OUTPUT_STREAM =
      Pattern.compile(
          "Output stream #(\\d+):\\d+ \\(video\\): (\\d+) frames encoded; (\\d+) packets muxed"
              + " \\((\\d+) bytes\\)");
  private static final Pattern INPUT_STREAM =
      Pattern.compile("Input stream #0:\\d+ \\(video\\): .*?(\\d+) frames decoded");

  /** What FFmpeg said of one output when it ended. */
  record Muxed(long frames, long bytes) {}

  /** The outputs' accounts by output index, and the frames decoded from the input (or -1). */
  record Account(Map<Integer, Muxed> outputs, long inputFrames) {

    /** The same account with the frames counted in the outputs' files where they were. */
    Account withFrames(Map<Integer, Long> counted) {
      Map<Integer, Muxed> m = new HashMap<>(outputs);
      counted.forEach((i, n) -> m.put(i, new Muxed(n, m.containsKey(i) ? m.get(i).bytes() : 0)));
      return new Account(m, inputFrames);
    }
  }

  private LadderReport() {}

  /**
   * A GStreamer ladder's account: each rung's probe counted its encoded frames and bytes (before
   * the muxer, so without container overhead); the decoded input frames are not counted (-1).
   */
  static Account account(Map<Integer, GstProgressParser.Output> probes) {
    Map<Integer, Muxed> outputs = new HashMap<>();
    probes.forEach((i, o) -> outputs.put(i, new Muxed(o.frames(), o.bytes())));
    return new Account(outputs, -1);
  }

  static Account account(List<String> stderr) {
    Map<Integer, Muxed> outputs = new HashMap<>();
    long input = -1;
    for (String line : stderr) {
      Matcher o = OUTPUT_STREAM.matcher(line);
      if (o.find()) {
        outputs.put(
            Integer.parseInt(o.group(1)),
            new Muxed(Long.parseLong(o.group(2)), Long.parseLong(o.group(4))));
      }
      Matcher in = INPUT_STREAM.matcher(line);
      if (in.find()) {
        input = Long.parseLong(in.group(1));
      }
    }
    return new Account(outputs, input);
  }

  /**
   * The result's {@code renditions}: one entry per rung, its bitrate from its bytes (the file's
   * size, or what FFmpeg muxed to the stream) over the content's duration. {@code fileBytes}: the
   * files' sizes by rendition name (file outputs), else empty.
   */
  static JsonArray renditions(
      JobSpec spec, Account account, Map<String, Long> fileBytes, double durationS) {
    JsonArray a = new JsonArray();
    List<JobSpec.Rendition> rungs = spec.renditions();
    for (int i = 0; i < rungs.size(); i++) {
      JobSpec.Rendition r = rungs.get(i);
      Muxed m = account.outputs().get(i);
      Long bytes = fileBytes.containsKey(r.name()) ? fileBytes.get(r.name()) : null;
      if (bytes == null && m != null) {
        bytes = m.bytes();
      }
      JsonObject j =
          new JsonObject()
              .put("name", r.name())
              .put("resolution", r.video().resolution().toString())
              .put("fps", r.video().fps())
              .put("encoder", r.video().encoder().ffmpegName())
              .put("target_bitrate_kbps", r.video().bitrateKbps())
              .put("frames", m == null ? null : m.frames())
              .put("bytes", bytes)
              .put(
                  "bitrate_kbps",
                  bytes == null || durationS <= 0 ? null : round(bytes * 8 / durationS / 1000, 1))
              .put(
                  "bitrate_from",
                  fileBytes.containsKey(r.name())
                      ? "the file's size over the duration"
                      : "the bytes FFmpeg muxed to the output over the duration");
      if (r.output().url() != null) {
        j.put("url", r.output().url().toString());
      }
      a.add(j);
    }
    return a;
  }

  /**
   * The ladder's energy: the whole process's joules per input frame and its watts, with why there
   * is no per-rendition figure.
   */
  static JsonObject energy(JsonObject energy, Account account, long fallbackFrames) {
    long inputFrames = account.inputFrames() > 0 ? account.inputFrames() : fallbackFrames;
    JsonObject j = new JsonObject().put("input_frames", inputFrames);
    if (energy != null && energy.getDouble("total_joules") != null) {
      double joules = energy.getDouble("total_joules");
      long ms = energy.getLong("duration_ms", 0L);
      j.put("joules_per_input_frame", inputFrames > 0 ? round(joules / inputFrames, 6) : null)
          .put("watts", ms > 0 ? round(joules / (ms / 1000.0), 3) : null);
    }
    return j.put(
        "note",
        "one process decodes once and encodes every rendition: its energy is not separable by"
            + " rendition, so it is reported per input frame and as the ladder's watts");
  }
}
