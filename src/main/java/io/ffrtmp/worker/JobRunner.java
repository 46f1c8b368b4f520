package io.ffrtmp.worker;

import io.ffrtmp.job.Encoder;
import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.SpecException;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.ffrtmp.worker.engine.GstCommand;
import io.ffrtmp.worker.engine.GstInfo;
import io.ffrtmp.worker.engine.Scorer;
import io.ffrtmp.worker.engine.SourceInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs one leased job: the source resolved, an optional settle wait, the encode inside its energy
 * window, the figures, then the quality pass outside the window (its own cost recorded separately)
 * and the output kept or cleaned up. Each step is its own class; they share the job's {@link
 * JobContext}. Runs on the worker verticle's context; blocking bits go through executeBlocking. One
 * runner per job.
 */
public final class JobRunner {

  /** How the job ended, with the result object to store. */
  public record Outcome(String state, JsonObject result, String error, boolean retryable) {}

  private final Vertx vertx;
  private final WorkerConfig config;
  private final FfmpegInfo ffmpeg;
  private final GstInfo gst;
  private final JsonObject node;
  private final Set<Encoder> workingHardware;
  private final JobFiles files;
  private final SettleWait settle;
  private final EncodePass encode;
  private final EncodeReport report;
  private final QualityPass quality;
  private final SearchPass search;

  /**
   * Grows with every sign of life (a progress block, a quality-pass line, a settle sample):
   * heartbeats carry it.
   */
  private final AtomicLong activity = new AtomicLong();

  private volatile JobContext job;

  /**
   * A cancel that came before {@link #run} made the job's context (the worker registers the runner
   * first).
   */
  private volatile String canceledEarly;

  /** A runner for a node without GStreamer: GStreamer jobs fail with the install command. */
  public JobRunner(
      Vertx vertx,
      WorkerConfig config,
      EnergyMeter meter,
      FfmpegInfo ffmpeg,
      JsonObject node,
      EnergyWindows windows,
      Set<Encoder> workingHardware) {
    this(
        vertx,
        config,
        meter,
        ffmpeg,
        new GstInfo(
            GstInfo.DEFAULT_LAUNCH,
            null,
            Set.of(),
            "GStreamer was not probed on this node; " + GstInfo.INSTALL_HINT),
        node,
        windows,
        workingHardware);
  }

  public JobRunner(
      Vertx vertx,
      WorkerConfig config,
      EnergyMeter meter,
      FfmpegInfo ffmpeg,
      GstInfo gst,
      JsonObject node,
      EnergyWindows windows,
      Set<Encoder> workingHardware) {
    this(
        vertx,
        config,
        meter,
        ffmpeg,
        Scorer.same(ffmpeg),
        gst,
        node,
        windows,
        workingHardware,
        new SearchMemory());
  }

  /**
   * {@code scorer}: the FFmpeg of the quality pass, probed at start ({@code --quality-ffmpeg});
   * {@code memory}: the worker's earlier search probes, shared by its jobs.
   */
  public JobRunner(
      Vertx vertx,
      WorkerConfig config,
      EnergyMeter meter,
      FfmpegInfo ffmpeg,
      Scorer scorer,
      GstInfo gst,
      JsonObject node,
      EnergyWindows windows,
      Set<Encoder> workingHardware,
      SearchMemory memory) {
    this.vertx = vertx;
    this.config = config;
    this.ffmpeg = ffmpeg;
    this.gst = gst;
    this.node = node;
    this.workingHardware = workingHardware;
    this.files = new JobFiles(vertx, config, ffmpeg);
    this.settle = new SettleWait(vertx, meter);
    this.encode = new EncodePass(vertx, ffmpeg, gst, meter, windows, config.power().procRoot());
    this.report = new EncodeReport(vertx, config.slots());
    this.quality = new QualityPass(vertx, ffmpeg, scorer, gst, meter);
    this.search = new SearchPass(vertx, ffmpeg, scorer, memory);
  }

  /** Stops the running FFmpeg (and its children) within a second; the job then ends as canceled. */
  public void cancel(String reason) {
    JobContext j = job;
    if (j != null) {
      j.cancel(reason);
    } else {
      canceledEarly = reason;
    }
  }

  /**
   * The node's power as this job's energy window sees it now; null before the window opens or when
   * unknown.
   */
  public Double currentWatts() {
    JobContext j = job;
    return j == null ? null : j.currentWatts();
  }

  /** The job's activity counter: it grows while anything of the job makes progress. */
  public long activity() {
    return activity.get();
  }

  public Future<Outcome> run(
      JobLease lease, JsonObject idleBaseline, Consumer<JsonObject> progress) {
    JobSpec asSpecified = lease.spec();
    EngineChoice engine = EngineChoice.of(asSpecified.forNode(Set.of()), ffmpeg, gst);
    // Hardware encoders are FFmpeg's: a GStreamer pipeline keeps the software encoder.
    JobSpec spec =
        EngineChoice.GSTREAMER.equals(engine.engine())
            ? asSpecified.forNode(Set.of())
            : asSpecified.forNode(workingHardware);
    JobContext j =
        new JobContext(
            lease,
            spec,
            config.workDir().resolve(lease.jobId().toString()),
            base(lease, spec),
            idleBaseline,
            progress,
            activity);
    job = j;
    if (canceledEarly != null) {
      j.cancel(canceledEarly);
      return Future.succeededFuture(j.canceled("canceled: " + canceledEarly));
    }
    if (asSpecified.video().encoderAuto()) {
      j.result().put("encoder_choice", encoderChoice(asSpecified, spec));
    }
    j.result().put("engine", engine.engine()).put("engine_choice", engine.toJson(spec.engine()));
    if (!engine.runs()) {
      return Future.succeededFuture(j.refused(engine.code(), engine.reason()));
    }
    j.engine(engine.engine());
    if (gst.usable()) {
      j.result().put("gstreamer_version", gst.version());
    }
    Encoder encoder = spec.video().encoder();
    if (!j.gstreamer() && !ffmpeg.has(encoder)) {
      return Future.succeededFuture(
          j.failed(
              "encoder "
                  + encoder.ffmpegName()
                  + " is not available in this FFmpeg "
                  + "build ("
                  + ffmpeg.version()
                  + "); this node has: "
                  + String.join(", ", ffmpeg.encoders()),
              false));
    }
    for (JobSpec.Rendition r : spec.renditions()) {
      Encoder e = r.video().encoder();
      if (!ffmpeg.has(e)) {
        return Future.succeededFuture(
            j.failed(
                "rendition "
                    + r.name()
                    + ": encoder "
                    + e.ffmpegName()
                    + " is not available in this FFmpeg build ("
                    + ffmpeg.version()
                    + "); this node has: "
                    + String.join(", ", ffmpeg.encoders()),
                false));
      }
    }
    URI cameraUrl = cameraUrl(lease, spec);
    try {
      config.liveHosts().check(spec); // checked at submission too; this node's list is what counts
    } catch (SpecException e) {
      return Future.succeededFuture(j.failed(e.toString(), false));
    }
    if ("live_synthetic".equals(spec.input().type()) && cameraUrl == null) {
      return Future.succeededFuture(
          j.failed(
              "input.type: live_synthetic publishes its camera to the node's RTMP server, and this"
                  + " node has none; start it with --rtmp-server embedded (or"
                  + " rtmp://host[:port]/app)",
              false));
    }
    return files
        .source(spec, cameraUrl, j::active)
        .compose(
            source -> {
              j.source(source);
              j.result().put("source", sourceJson(source));
              String tooLarge = largerThanSource(spec, source);
              if (tooLarge != null) {
                return Future.succeededFuture(j.failed(tooLarge, false));
              }
              return measure(j, cameraUrl);
            },
            err -> Future.succeededFuture(j.failed(err.getMessage(), false)));
  }

  /**
   * A quality target's search first (its probes before the settle wait and outside the energy
   * window), then the job at the value it chose; a search that cannot reach the target, or cannot
   * run, ends the job.
   */
  private Future<Outcome> measure(JobContext j, URI cameraUrl) {
    if (j.spec().video().target() == null) {
      return measureAt(j, cameraUrl);
    }
    return search
        .run(j)
        .recover(
            err ->
                Future.succeededFuture(
                    Optional.of(
                        j.failed(
                            "the quality-targeted search could not run: " + err.getMessage(),
                            !(err instanceof SearchPass.ProbeFailed p) || p.retryable()))))
        .compose(
            ended ->
                ended.isPresent() ? files.cleanUp(j).map(ended.get()) : measureAt(j, cameraUrl));
  }

  /**
   * Settle, encode, figures, then quality and output; anything that fails on the way fails the job,
   * retryably.
   */
  private Future<Outcome> measureAt(JobContext j, URI cameraUrl) {
    List<String> command;
    try {
      command = encode.command(j);
    } catch (GstCommand.Unsupported e) {
      return Future.succeededFuture(j.refused(e.code(), e.getMessage()));
    }
    if (j.spec().isLive()) {
      return measureLive(j, command, new LiveSupervisor(vertx, ffmpeg, j, cameraUrl));
    }
    return settle
        .run(j)
        .compose(v -> encode.run(j, command))
        .compose(encoded -> report.record(j, encoded))
        .compose(ended -> ended.isPresent() ? Future.succeededFuture(ended.get()) : scoreAndKeep(j))
        .recover(
            err ->
                Future.succeededFuture(
                    j.failed("could not run " + j.engine() + ": " + err.getMessage(), true)))
        .compose(outcome -> files.cleanUp(j).map(outcome));
  }

  /**
   * A live job: the camera (if any) publishing before the encode, the encode supervised, the camera
   * and reader stopped after it, then judged ({@link LiveSupervisor#judge}); a camera that does not
   * publish fails the job retryably.
   */
  private Future<Outcome> measureLive(JobContext j, List<String> command, LiveSupervisor live) {
    return settle
        .run(j)
        .compose(
            v ->
                live.start()
                    .compose(
                        started ->
                            encode
                                .run(j, command)
                                .compose(encoded -> live.stop().map(encoded))
                                .compose(
                                    encoded ->
                                        report
                                            .record(j, encoded)
                                            .map(ended -> live.judge(encoded, ended)))
                                .compose(
                                    ended ->
                                        ended.isPresent()
                                            ? Future.succeededFuture(ended.get())
                                            : scoreAndKeep(j))
                                .recover(
                                    err ->
                                        Future.succeededFuture(
                                            j.failed(
                                                "could not run "
                                                    + j.engine()
                                                    + ": "
                                                    + err.getMessage(),
                                                true))),
                        err -> Future.succeededFuture(j.failed(err.getMessage(), true))))
        .recover(
            err ->
                Future.succeededFuture(
                    j.failed("could not run " + j.engine() + ": " + err.getMessage(), true)))
        .compose(outcome -> live.stop().map(outcome))
        .compose(outcome -> files.cleanUp(j).map(outcome));
  }

  /**
   * Where this attempt's synthetic camera publishes: a stream named after the job and attempt on
   * the node's RTMP server; null for other inputs or without a server.
   */
  private URI cameraUrl(JobLease lease, JobSpec spec) {
    if (!"live_synthetic".equals(spec.input().type()) || config.rtmpUrl() == null) {
      return null;
    }
    return URI.create(
        config.rtmpUrl().toString().replaceAll("/+$", "")
            + "/ffrtmp-cam-"
            + lease.jobId()
            + "-"
            + lease.attempt());
  }

  private Future<Outcome> scoreAndKeep(JobContext j) {
    return quality
        .run(j)
        .compose(
            v -> {
              SearchPass.verify(j);
              return files.keep(j);
            })
        .map(v -> j.succeeded());
  }

  private JsonObject base(JobLease lease, JobSpec spec) {
    return new JsonObject()
        .put("job_id", lease.jobId().toString())
        .put("campaign_id", lease.campaignId() == null ? null : lease.campaignId().toString())
        .put("config_key", lease.configKey())
        .put("repetition", lease.repetition())
        .put("attempt", lease.attempt())
        .put("node_id", config.nodeId())
        .put("ffmpeg_version", ffmpeg.version())
        .put("node", node)
        .put("config", spec.configJson())
        .put("spec", spec.toJson());
  }

  /** Which encoder {@code auto} became on this node, and why. */
  private static JsonObject encoderChoice(JobSpec asSpecified, JobSpec spec) {
    Encoder chosen = spec.video().encoder();
    String codec = spec.video().codec().id();
    String why;
    if (chosen.hardware() != Encoder.Hardware.NONE) {
      why = "this node has a working " + chosen.hardware().name() + " encoder for " + codec;
    } else {
      JobSpec.Video asked = asSpecified.video();
      boolean softwarePreset =
          asked.preset() != null && !asked.preset().equals(asked.encoder().defaultPreset());
      why =
          "no working hardware encoder for "
              + codec
              + " on this node (see node.hardware_encoders)"
              + (softwarePreset ? ", or a software preset was named" : "");
    }
    return new JsonObject()
        .put("requested", "auto")
        .put("chosen", chosen.ffmpegName())
        .put("why", why);
  }

  /**
   * A ladder scales down: a rendition larger than a file's own size (known only once it is probed)
   * is refused, naming the rendition; null when every rung fits or the size is unknown (a stream).
   */
  static String largerThanSource(JobSpec spec, SourceInfo source) {
    if (source.resolution() == null) {
      return null;
    }
    for (int i = 0; i < spec.renditions().size(); i++) {
      var res = spec.renditions().get(i).video().resolution();
      if (res.width() > source.resolution().width()
          || res.height() > source.resolution().height()) {
        return "renditions["
            + i
            + "].resolution: "
            + res
            + " is larger than the source ("
            + source.resolution()
            + "); accepted: at most the source's size (a ladder scales down)";
      }
    }
    return null;
  }

  private static JsonObject sourceJson(SourceInfo source) {
    JsonObject j =
        new JsonObject()
            .put("description", source.description())
            .put("resolution", source.resolution() == null ? null : source.resolution().toString())
            .put("fps", source.fps())
            .put("duration_s", source.durationS());
    return source.prerendered() == null ? j : j.put("prerendered", source.prerendered());
  }
}
