package io.ffrtmp.job;

import io.ffrtmp.job.JobSpec.Input;
import io.ffrtmp.job.JobSpec.Output;
import io.ffrtmp.job.JobSpec.RateControl;
import io.ffrtmp.job.JobSpec.Rendition;
import io.ffrtmp.job.JobSpec.Video;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code renditions} of a spec: an ABR ladder, each rung the job's {@code video} with its own
 * name, resolution and bitrate (and optionally encoder, preset, fps), and where it goes. Each rule
 * names the field as {@code renditions[i].field}.
 */
final class RenditionParser {

  static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");

  private static final String NAME_ACCEPTED =
      "1 to 32 of a-z, 0-9, _ and - (it names the rendition's file or stream)";

  private RenditionParser() {}

  /** A rung before its output is known. */
  record Rung(String name, Video video, JsonObject output) {}

  /**
   * The rungs' names and video settings; refuses job-level fields a ladder does not use. Empty when
   * the spec has no {@code renditions}.
   */
  static List<Rung> rungs(JsonObject json, Video base) {
    RateControl rc = base.rateControl();
    JsonArray a = json.getJsonArray("renditions");
    if (a == null) {
      return List.of();
    }
    if (a.isEmpty() || a.size() > JobSpec.MAX_RENDITIONS) {
      throw new SpecException(
          "renditions",
          a.size()
              + " renditions; accepted: 1 to "
              + JobSpec.MAX_RENDITIONS
              + " (leave the field out for a single output)");
    }
    List<Rung> rungs = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < a.size(); i++) {
      String at = "renditions[" + i + "]";
      JsonObject r = a.getJsonObject(i);
      String name = r.getString("name");
      if (name == null) {
        throw new SpecException(at + ".name", "required; accepted: " + NAME_ACCEPTED);
      }
      if (!NAME.matcher(name).matches()) {
        throw new SpecException(
            at + ".name", "'" + name + "' is not a rendition name; accepted: " + NAME_ACCEPTED);
      }
      Integer dup = names.putIfAbsent(name, i);
      if (dup != null) {
        throw new SpecException(
            at + ".name",
            "'"
                + name
                + "' is already the name of renditions["
                + dup
                + "]; accepted: a name no other rendition has");
      }
      if (r.getString("resolution") == null) {
        throw new SpecException(at + ".resolution", "required; accepted: " + Resolution.ACCEPTED);
      }
      Resolution res = Resolution.parse(at + ".resolution", r.getString("resolution"));
      if (r.getValue("bitrate") == null) {
        throw new SpecException(at + ".bitrate", "required; accepted: " + Bitrate.ACCEPTED);
      }
      int kbps = Bitrate.parseKbps(at + ".bitrate", r.getValue("bitrate"));
      Encoder encoder = encoderOf(r, at, base);
      String preset = presetOf(r, at, encoder, base);
      double fps =
          r.getValue("fps") == null ? base.fps() : Fps.check(at + ".fps", r.getDouble("fps"));
      // The job's keyframe interval in seconds, at the rendition's rate.
      int gop = (int) Math.max(1, Math.min(1000, Math.round(base.gop() * fps / base.fps())));
      Video v =
          new Video(
              encoder.codec(),
              encoder,
              false,
              preset,
              rc,
              null,
              kbps,
              null,
              res,
              fps,
              gop,
              base.threads());
      rungs.add(new Rung(name, v, r.getJsonObject("output")));
    }
    return rungs;
  }

  /**
   * How every rung is rate-controlled, from {@code video.rate_control}: {@code cbr} (the default)
   * or {@code vbr} capped at the rung's bitrate; the video fields a ladder does not use are
   * refused.
   */
  static RateControl rateControl(JsonObject video) {
    for (String f : List.of("crf", "bitrate", "max_bitrate")) {
      if (video.containsKey(f)) {
        throw new SpecException(
            "video." + f,
            "not used with renditions: each rendition has its own bitrate; accepted: leave it out");
      }
    }
    String rc = video.getString("rate_control", "cbr");
    if ("crf".equals(rc)) {
      throw new SpecException(
          "video.rate_control",
          "crf is not used with renditions (each has its own bitrate); accepted: cbr or vbr");
    }
    return RateControl.valueOf(rc.toUpperCase(Locale.ROOT));
  }

  /** The largest rung: the default size of a synthetic source for a ladder. */
  static Resolution largest(List<Rung> rungs) {
    Resolution best = null;
    for (Rung r : rungs) {
      Resolution res = r.video().resolution();
      if (best == null || res.pixels() > best.pixels()) {
        best = res;
      }
    }
    return best;
  }

  /**
   * The renditions with their outputs: a stream job's URL with {@code _NAME} appended to its stream
   * name, or the rendition's own {@code output}; the job's output type otherwise. Checks each rung
   * against a source whose size is known.
   */
  static List<Rendition> renditions(List<Rung> rungs, Input input, Output jobOutput) {
    List<Rendition> out = new ArrayList<>();
    Map<String, Integer> urls = new HashMap<>();
    for (int i = 0; i < rungs.size(); i++) {
      Rung rung = rungs.get(i);
      String at = "renditions[" + i + "]";
      Resolution res = rung.video().resolution();
      Resolution src = input.isPattern() ? input.resolution() : null;
      if (src != null && (res.width() > src.width() || res.height() > src.height())) {
        throw new SpecException(
            at + ".resolution",
            res
                + " is larger than the source ("
                + src
                + ", input.resolution); accepted: at most the source's size (a ladder scales"
                + " down)");
      }
      Output o = outputOf(rung, at, jobOutput);
      if (o.url() != null) {
        Integer dup = urls.putIfAbsent(o.url().toString().toLowerCase(Locale.ROOT), i);
        if (dup != null) {
          throw new SpecException(
              at + ".output.url",
              "'"
                  + o.url()
                  + "' is already the output of renditions["
                  + dup
                  + "]; each rendition"
                  + " needs its own stream");
        }
      }
      out.add(new Rendition(rung.name(), rung.video(), o));
    }
    return out;
  }

  private static Output outputOf(Rung rung, String at, Output job) {
    JsonObject own = rung.output();
    if (!job.isStream()) {
      if (own != null) {
        throw new SpecException(
            at + ".output",
            "only with a stream output (output.type rtmp or srt); with output type "
                + job.type()
                + " the job names each rendition's file (<job-id>-<name>.mkv); accepted: leave it"
                + " out");
      }
      return new Output(job.type());
    }
    if (own != null) {
      String type = own.getString("type", job.type());
      if (!"rtmp".equals(type) && !"srt".equals(type)) {
        throw new SpecException(at + ".output.type", "'" + type + "'; accepted: rtmp or srt");
      }
      return new Output(type, LiveUrl.parse(at + ".output.url", type, own.getString("url")));
    }
    if (!"rtmp".equals(job.type())) {
      throw new SpecException(
          at + ".output",
          "required with an srt output: an SRT URL has no stream name to add the rendition's to;"
              + " accepted: {\"type\": \"srt\", \"url\": \"srt://HOST:PORT\"}");
    }
    URI url = job.url();
    return new Output(
        "rtmp", LiveUrl.parse(at + ".output.url", "rtmp", url.toString() + "_" + rung.name()));
  }

  private static Encoder encoderOf(JsonObject r, String at, Video base) {
    String name = r.getString("encoder");
    if (name == null) {
      return base.encoder();
    }
    return Encoder.byName(name)
        .orElseThrow(
            () ->
                new SpecException(
                    at + ".encoder",
                    "'"
                        + name
                        + "' is not an encoder ffrtmp drives (a rendition names one; auto is for"
                        + " video.encoder); accepted: "
                        + Encoder.accepted()));
  }

  private static String presetOf(JsonObject r, String at, Encoder encoder, Video base) {
    Object raw = r.getValue("preset");
    if (raw == null) {
      return encoder == base.encoder() ? base.preset() : encoder.defaultPreset();
    }
    String preset = raw.toString().trim().toLowerCase(Locale.ROOT);
    if (encoder.presets().isEmpty()) {
      throw new SpecException(
          at + ".preset", encoder.ffmpegName() + " takes no preset; leave it out");
    }
    if (!encoder.presets().contains(preset)) {
      throw new SpecException(
          at + ".preset",
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
