package io.ffrtmp.worker;

import io.ffrtmp.job.Encoder;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.ffrtmp.worker.engine.GstCommand;
import io.ffrtmp.worker.engine.GstInfo;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Which engine runs a spec on this node, and why; or why none can. {@code engine: auto} follows the
 * rule measured in docs/engines.md: FFmpeg whenever its build has the encoder (x264 on the same
 * file at equal settings: the same output within 0.1 %, about 7 % less CPU time), GStreamer only
 * for an encoder this FFmpeg lacks and GStreamer has.
 *
 * @param engine {@code ffmpeg} or {@code gstreamer}; null when the job cannot run here
 * @param reason why this engine (or, with a null engine, why none)
 * @param code with a null engine: the failure's reason code
 */
record EngineChoice(String engine, String reason, String code) {

  static final String FFMPEG = "ffmpeg";
  static final String GSTREAMER = "gstreamer";
  static final String UNAVAILABLE = "engine_unavailable";

  boolean runs() {
    return engine != null;
  }

  JsonObject toJson(String requested) {
    return new JsonObject().put("requested", requested).put("engine", engine).put("reason", reason);
  }

  static EngineChoice of(JobSpec spec, FfmpegInfo ffmpeg, GstInfo gst) {
    Encoder encoder = spec.video().encoder();
    return switch (spec.engine()) {
      case GSTREAMER -> gstreamer(spec, gst, "the spec asks for GStreamer");
      case "auto" -> {
        if (ffmpeg.has(encoder)) {
          yield new EngineChoice(
              FFMPEG,
              "auto: this FFmpeg has "
                  + encoder.ffmpegName()
                  + ", and FFmpeg spent about 7 % less CPU time per frame than GStreamer on the"
                  + " same file at equal settings (docs/engines.md)",
              null);
        }
        EngineChoice g = gstreamer(spec, gst, "auto: this FFmpeg lacks " + encoder.ffmpegName());
        yield g.runs()
            ? g
            : new EngineChoice(FFMPEG, "auto: neither engine has it; " + g.reason, null);
      }
      default -> new EngineChoice(FFMPEG, "the spec asks for FFmpeg", null);
    };
  }

  /** GStreamer when it is installed and has every element the pipeline needs. */
  private static EngineChoice gstreamer(JobSpec spec, GstInfo gst, String why) {
    if (!gst.usable()) {
      return new EngineChoice(null, gst.problem(), UNAVAILABLE);
    }
    List<String> needed;
    try {
      needed = GstCommand.requiredElements(spec);
    } catch (GstCommand.Unsupported e) {
      return new EngineChoice(null, e.getMessage(), e.code());
    }
    List<String> missing = needed.stream().filter(e -> !gst.has(e)).toList();
    if (!missing.isEmpty()) {
      return new EngineChoice(
          null,
          GstCommand.LACKS_ENCODER
              + ": this GStreamer ("
              + gst.version()
              + ") lacks "
              + String.join(", ", missing)
              + "; "
              + GstInfo.INSTALL_HINT,
          GstCommand.LACKS_ENCODER);
    }
    return new EngineChoice(GSTREAMER, why, null);
  }
}
