package io.ffrtmp.worker.engine;

import io.vertx.core.json.JsonObject;

/**
 * One {@code -progress} block from FFmpeg. Fields FFmpeg printed as {@code N/A} are null. {@code
 * fps} and {@code speed} are FFmpeg's averages since the start; instantaneous values come from
 * {@link ProgressParser} deltas.
 */
public record Progress(
    Long frame,
    Double fps,
    Double bitrateKbps,
    Long totalSizeBytes,
    Long outTimeUs,
    Long dupFrames,
    Long dropFrames,
    Double speed,
    boolean end) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("frame", frame)
        .put("fps", fps)
        .put("bitrate_kbps", bitrateKbps)
        .put("total_size", totalSizeBytes)
        .put("out_time_us", outTimeUs)
        .put("dup_frames", dupFrames)
        .put("drop_frames", dropFrames)
        .put("speed", speed)
        .put("end", end);
  }
}
