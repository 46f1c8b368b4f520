package io.ffrtmp.job;

import io.ffrtmp.job.JobSpec.Input;
import io.ffrtmp.job.JobSpec.Measure;
import io.ffrtmp.job.JobSpec.Output;
import io.ffrtmp.job.JobSpec.Priority;
import io.ffrtmp.job.JobSpec.Queue;
import io.ffrtmp.job.JobSpec.RateControl;
import io.ffrtmp.job.JobSpec.Rendition;
import io.ffrtmp.job.JobSpec.Requirements;
import io.ffrtmp.job.JobSpec.Video;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The typed parse behind {@link JobSpec#fromJson} and {@link JobSpec#fromStored}: the scenario
 * first, then video, input and measure by their own parsers, then the fields of the job as a whole.
 * Each rule, and each default, is in one place; a value out of range is a {@link SpecException}
 * naming the field and what it accepts.
 */
final class JobSpecParser {

  /** The timeout basis of a file input that runs to the end of a file of unknown length. */
  private static final double UNKNOWN_FILE_DURATION_S = 600;

  /** A week. */
  static final int MAX_TIMEOUT_S = 7 * 24 * 3600;

  private JobSpecParser() {}

  static JobSpec parse(JsonObject json) {
    Scenario scenario =
        json.getString("scenario") == null
            ? null
            : Scenario.parse("scenario", json.getString("scenario"));
    JsonObject videoJson = json.getJsonObject("video", new JsonObject());
    boolean ladder = json.containsKey("renditions");
    Video video;
    List<RenditionParser.Rung> rungs;
    Resolution sourceSize;
    if (ladder) {
      // The rungs carry the bitrates: the job's video gives what they share.
      RateControl rc = RenditionParser.rateControl(videoJson);
      if (videoJson.containsKey("target")) {
        throw new SpecException(
            "video.target",
            "a ladder's rungs carry their own bitrates; the quality-targeted search runs on"
                + " single-output jobs only (drop the target or the renditions)");
      }
      JsonObject shared = videoJson.copy();
      shared.remove("rate_control");
      Video v = VideoParser.parse(shared, scenario);
      video =
          new Video(
              v.codec(),
              v.encoder(),
              v.encoderAuto(),
              v.preset(),
              rc,
              null,
              null,
              null,
              v.resolution(),
              v.fps(),
              v.gop(),
              v.threads());
      rungs = RenditionParser.rungs(json, video);
      boolean sized = videoJson.containsKey("resolution") || scenario != null;
      sourceSize = sized ? video.resolution() : RenditionParser.largest(rungs);
    } else {
      video = VideoParser.parse(videoJson, scenario);
      rungs = List.of();
      sourceSize = video.resolution();
    }
    JsonObject in = json.getJsonObject("input", new JsonObject());
    if (scenario != null && scenario.live()) {
      in = liveInput(in);
    }
    Input input = InputParser.parse(in, sourceSize, video.fps());
    boolean live = input.isLive() || input.isFile() && input.realtime();
    Output output = outputOf(json, live);
    List<Rendition> renditions = RenditionParser.renditions(rungs, input, output);
    double timeoutBasisS =
        input.isFile() && in.getValue("duration_s") == null
            ? UNKNOWN_FILE_DURATION_S
            : input.durationS();
    JsonObject m = json.getJsonObject("measure", new JsonObject());
    if ((live || ladder) && !m.containsKey("quality")) {
      m = m.copy().put("quality", new JsonArray());
    }
    if (live && video.target() != null) {
      throw new SpecException(
          "video.target",
          "a live job cannot search for its CRF or bitrate (its input arrives once, at realtime,"
              + " and it has no quality pass); accepted: a crf or bitrate, or a synthetic or file"
              + " input without realtime");
    }
    Measure measure = withTargetMetric(MeasureParser.parse(m), video.target());
    if (!live && m.containsKey("realtime_window_s")) {
      throw new SpecException(
          "measure.realtime_window_s",
          "only for live jobs (an input of type rtmp, srt or live_synthetic, or a file with"
              + " realtime: true)");
    }
    if (live && !measure.quality().isEmpty()) {
      throw new SpecException(
          "measure.quality",
          "a live job has no quality pass (its source is not kept to compare against); accepted:"
              + " [] or leave it out");
    }
    return new JobSpec(
        json.getString("name"),
        scenario == null ? null : scenario.name(),
        input,
        output,
        video,
        json.getString("engine", JobSpec.DEFAULT_ENGINE),
        queueOf(json, scenario),
        priorityOf(json),
        measure,
        timeoutOf(json, timeoutBasisS, live),
        requirementsOf(json),
        renditions);
  }

  /**
   * The target's metric is scored on the final encode too (that score is what the result reports
   * against the target), so it joins {@code measure.quality} when the spec left it out.
   */
  private static Measure withTargetMetric(Measure measure, JobSpec.Target target) {
    if (target == null || measure.quality().contains(target.metric())) {
      return measure;
    }
    List<JobSpec.QualityMetric> quality = new java.util.ArrayList<>(measure.quality());
    quality.add(target.metric());
    return new Measure(
        measure.intervalMs(),
        List.copyOf(quality),
        measure.settleMaxS(),
        measure.settleWithin(),
        measure.exclusive(),
        measure.realtimeWindowS());
  }

  private static Output outputOf(JsonObject json, boolean live) {
    JsonObject o = json.getJsonObject("output", new JsonObject());
    String type = o.getString("type", "null");
    if (!"rtmp".equals(type) && !"srt".equals(type)) {
      if (o.containsKey("url")) {
        throw new SpecException(
            "output.url", "only for output types rtmp and srt; output type " + type + " has none");
      }
      return new Output(type);
    }
    if (!live) {
      throw new SpecException(
          "output.type",
          "a stream output needs a live job; accepted: an input of type rtmp, srt or"
              + " live_synthetic, or a file input with realtime: true (or output type null or"
              + " file)");
    }
    return new Output(type, LiveUrl.parse("output.url", type, o.getString("url")));
  }

  /** A live scenario's jobs go to the live queue unless the spec says otherwise. */
  private static Queue queueOf(JsonObject json, Scenario scenario) {
    String fallback = scenario != null && scenario.live() ? "live" : "default";
    return Queue.valueOf(json.getString("queue", fallback).toUpperCase(Locale.ROOT));
  }

  /**
   * The input of a live scenario: a {@code live_synthetic} camera unless a type is given, a file
   * played at realtime, or a stream; a pattern rendered as fast as it goes is not live.
   */
  private static JsonObject liveInput(JsonObject in) {
    String type = in.getString("type");
    if (type == null) {
      return in.copy().put("type", "live_synthetic");
    }
    if ("synthetic".equals(type)) {
      throw new SpecException(
          "input.type",
          "a live scenario needs a live input; accepted: live_synthetic (the default), rtmp,"
              + " srt, or file (played at realtime)");
    }
    if ("file".equals(type)) {
      if (Boolean.FALSE.equals(in.getValue("realtime"))) {
        throw new SpecException(
            "input.realtime",
            "a live scenario plays its file at realtime; accepted: true or leave it out");
      }
      return in.containsKey("realtime") ? in : in.copy().put("realtime", true);
    }
    return in;
  }

  private static Priority priorityOf(JsonObject json) {
    return Priority.valueOf(json.getString("priority", "medium").toUpperCase(Locale.ROOT));
  }

  /**
   * Unless given: a minute per second of input, and never under five minutes; a live job runs at
   * realtime, so its duration and five minutes. Either way capped at the accepted maximum, so a
   * long input gets the longest timeout rather than one its own canonical form would reject.
   */
  private static int timeoutOf(JsonObject json, double durationS, boolean live) {
    double wanted = live ? Math.ceil(durationS) + 300 : Math.max(300, Math.ceil(60 * durationS));
    int defaultTimeout = (int) Math.min(MAX_TIMEOUT_S, wanted);
    return ExactInt.of(
        json, "timeout_s", "timeout_s", defaultTimeout, 1, MAX_TIMEOUT_S, "1 to 604800 seconds");
  }

  private static Requirements requirementsOf(JsonObject json) {
    JsonObject r = json.getJsonObject("requirements");
    if (r == null) {
      return Requirements.NONE;
    }
    Map<String, String> labels = new TreeMap<>();
    r.getJsonObject("labels", new JsonObject())
        .forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    return new Requirements(Collections.unmodifiableMap(labels), r.getString("node"));
  }
}
