package io.ffrtmp.job;

import io.ffrtmp.job.JobSpec.Input;
import io.ffrtmp.job.JobSpec.Output;
import io.ffrtmp.job.JobSpec.Priority;
import io.ffrtmp.job.JobSpec.Queue;
import io.ffrtmp.job.JobSpec.Requirements;
import io.ffrtmp.job.JobSpec.Video;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
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
    Video video = VideoParser.parse(json.getJsonObject("video", new JsonObject()), scenario);
    JsonObject in = json.getJsonObject("input", new JsonObject());
    Input input = InputParser.parse(in, video.resolution(), video.fps());
    double timeoutBasisS =
        input.isFile() && in.getValue("duration_s") == null
            ? UNKNOWN_FILE_DURATION_S
            : input.durationS();
    return new JobSpec(
        json.getString("name"),
        scenario == null ? null : scenario.name(),
        input,
        outputOf(json),
        video,
        json.getString("engine", JobSpec.DEFAULT_ENGINE),
        queueOf(json),
        priorityOf(json),
        MeasureParser.parse(json.getJsonObject("measure", new JsonObject())),
        timeoutOf(json, timeoutBasisS),
        requirementsOf(json));
  }

  private static Output outputOf(JsonObject json) {
    return new Output(json.getJsonObject("output", new JsonObject()).getString("type", "null"));
  }

  private static Queue queueOf(JsonObject json) {
    return Queue.valueOf(json.getString("queue", "default").toUpperCase(Locale.ROOT));
  }

  private static Priority priorityOf(JsonObject json) {
    return Priority.valueOf(json.getString("priority", "medium").toUpperCase(Locale.ROOT));
  }

  /** Unless given: a minute per second of input, and never under five minutes. */
  private static int timeoutOf(JsonObject json, double durationS) {
    int defaultTimeout = (int) Math.max(300, Math.ceil(60 * durationS));
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
