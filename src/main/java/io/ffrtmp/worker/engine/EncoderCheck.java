package io.ffrtmp.worker.engine;

import io.ffrtmp.job.Encoder;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Whether one encoder ffrtmp drives can run here: listed by {@code ffmpeg -encoders}, and a
 * one-frame encode with the job's own device flags and filters succeeded. Hardware encoders are
 * listed by most distribution builds whether or not the hardware exists, so only the probe encode
 * says they work.
 *
 * @param reason why it does not work (not listed, or the FFmpeg error lines of the probe); null
 *     when it works
 */
public record EncoderCheck(Encoder encoder, boolean listed, boolean works, String reason) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("encoder", encoder.ffmpegName())
        .put("codec", encoder.codec().id())
        .put("hardware", encoder.hardware().name().toLowerCase(Locale.ROOT))
        .put("listed", listed)
        .put("works", works)
        .put("reason", reason);
  }
}
