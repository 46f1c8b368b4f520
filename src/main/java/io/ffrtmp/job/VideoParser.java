package io.ffrtmp.job;

import io.ffrtmp.job.JobSpec.RateControl;
import io.ffrtmp.job.JobSpec.Video;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The {@code video} part of a spec: codec and encoder (which must agree), size and rate (the
 * scenario's unless given), preset and rate control checked against what the encoder accepts, and
 * the defaults for everything left out.
 */
final class VideoParser {

  private VideoParser() {}

  static Video parse(JsonObject v, Scenario scenario) {
    Codec codec =
        v.getString("codec") != null
            ? Codec.parse("video.codec", v.getString("codec"))
            : scenario != null ? scenario.codec() : null;
    String encoderName = v.getString("encoder", "auto");
    Encoder encoder;
    boolean auto = "auto".equals(encoderName);
    if (auto) {
      encoder = Encoder.byName((codec == null ? Codec.H264 : codec).defaultEncoder()).orElseThrow();
    } else {
      encoder =
          Encoder.byName(encoderName)
              .orElseThrow(
                  () ->
                      new SpecException(
                          "video.encoder",
                          "'"
                              + encoderName
                              + "' is not an encoder ffrtmp drives; accepted: "
                              + Encoder.accepted()));
    }
    if (codec == null) {
      codec = encoder.codec();
    } else if (codec != encoder.codec()) {
      throw new SpecException(
          "video.encoder",
          encoder.ffmpegName()
              + " encodes "
              + encoder.codec().id()
              + ", not "
              + codec.id()
              + "; accepted for "
              + codec.id()
              + ": "
              + String.join(", ", Encoder.byCodec().get(codec))
              + ", auto");
    }

    Resolution resolution =
        v.getString("resolution") != null
            ? Resolution.parse("video.resolution", v.getString("resolution"))
            : scenario != null ? scenario.resolution() : new Resolution(1280, 720);
    double fps =
        v.getValue("fps") != null
            ? Fps.check("video.fps", v.getDouble("fps"))
            : scenario != null ? scenario.fps() : 30;

    String preset = presetOf(v, encoder);
    RateControl rc =
        RateControl.valueOf(v.getString("rate_control", "crf").toUpperCase(Locale.ROOT));
    Integer crf = null;
    Integer bitrate = null;
    Integer maxBitrate = null;
    JobSpec.Target target = targetOf(v, rc, fps);
    if (target != null) {
      // The search finds the CRF or bitrate: neither is given, and none is defaulted.
    } else if (rc == RateControl.CRF) {
      crf =
          v.getValue("crf") == null
              ? encoder.defaultCrf()
              : ExactInt.of(
                  v.getValue("crf"),
                  "video.crf",
                  encoder.crfMin(),
                  encoder.crfMax(),
                  encoder.crfMin() + " to " + encoder.crfMax(),
                  " for " + encoder.ffmpegName());
      if (v.getValue("bitrate") != null || v.getValue("max_bitrate") != null) {
        throw new SpecException(
            "video.bitrate",
            "not used with rate_control crf; set rate_control to cbr or vbr, or drop it");
      }
    } else {
      if (v.getValue("crf") != null) {
        throw new SpecException(
            "video.crf", "only used with rate_control crf; accepted here: bitrate");
      }
      if (v.getValue("bitrate") == null) {
        throw new SpecException(
            "video.bitrate",
            "required with rate_control "
                + rc.name().toLowerCase(Locale.ROOT)
                + "; accepted: "
                + Bitrate.ACCEPTED);
      }
      bitrate = Bitrate.parseKbps("video.bitrate", v.getValue("bitrate"));
      if (v.getValue("max_bitrate") != null) {
        if (rc == RateControl.CBR) {
          throw new SpecException(
              "video.max_bitrate",
              "not used with rate_control cbr (max = target); accepted with vbr");
        }
        maxBitrate = Bitrate.parseKbps("video.max_bitrate", v.getValue("max_bitrate"));
        if (maxBitrate < bitrate) {
          throw new SpecException(
              "video.max_bitrate",
              maxBitrate
                  + " kbit/s is below the target bitrate "
                  + bitrate
                  + " kbit/s; accepted: at least the target");
        }
      }
    }
    // A keyframe every two seconds unless told otherwise.
    int gop =
        ExactInt.of(v, "gop", "video.gop", (int) Math.round(2 * fps), 1, 1000, "1 to 1000 frames");
    int threads =
        ExactInt.of(v, "threads", "video.threads", 0, 0, 256, "0 (encoder decides) to 256");
    return new Video(
        codec,
        encoder,
        auto,
        preset,
        rc,
        crf,
        bitrate,
        maxBitrate,
        resolution,
        fps,
        gop,
        threads,
        target);
  }

  /**
   * {@code video.target}, or null; refused beside the CRF or bitrate it replaces (the search
   * chooses that value), and beside a maximum bitrate (it would follow the searched one).
   */
  private static JobSpec.Target targetOf(JsonObject v, RateControl rc, double fps) {
    JsonObject t = v.getJsonObject("target");
    if (t == null) {
      return null;
    }
    String searched = rc == RateControl.CRF ? "crf" : "bitrate";
    for (String field : new String[] {"crf", "bitrate", "max_bitrate"}) {
      if (v.getValue(field) != null) {
        throw new SpecException(
            "video.target",
            "a quality target and video."
                + field
                + " cannot both be given: the search chooses the "
                + searched
                + "; accepted: drop video."
                + field
                + ", or drop the target");
      }
    }
    return TargetParser.parse(t, fps);
  }

  private static String presetOf(JsonObject v, Encoder encoder) {
    Object raw = v.getValue("preset");
    if (raw == null) {
      return encoder.defaultPreset();
    }
    String preset = raw.toString().trim().toLowerCase(Locale.ROOT);
    if (encoder.presets().isEmpty()) {
      throw new SpecException(
          "video.preset", encoder.ffmpegName() + " takes no preset; leave it out");
    }
    if (!encoder.presets().contains(preset)) {
      throw new SpecException(
          "video.preset",
          "'"
              + raw
              + "' is not a "
              + encoder.ffmpegName()
              + " preset; accepted: "
              + String.join(", ", encoder.presets()));
    }
    return preset;
  }
}
