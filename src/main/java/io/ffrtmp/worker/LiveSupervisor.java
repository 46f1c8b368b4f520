package io.ffrtmp.worker;

import static io.ffrtmp.worker.Decimals.round;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.worker.engine.ChildProcess;
import io.ffrtmp.worker.engine.FfmpegCommand;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.ffrtmp.worker.engine.Progress;
import io.ffrtmp.worker.engine.ProgressParser;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a live job runs beside its encode, and how it is judged. Before the encode: the synthetic
 * camera of a {@code live_synthetic} input, published at realtime to the node's RTMP server, and a
 * wait until it publishes. During: every progress block feeds the {@link RealtimeRule}; a watchdog
 * stops the encode when its input goes silent ({@code input_lost}) or never starts ({@code
 * input_unavailable}); a reader pulls an RTMP output back and decodes a few seconds of it. After:
 * the camera and the reader are stopped (SIGTERM, SIGKILL after a grace), the result gets its
 * {@code live} block, and an input that ended before the duration fails the job, retryably. All on
 * the worker's context.
 */
final class LiveSupervisor implements JobContext.EncodeListener {

  /** No new output for this long after the first frame: the input is lost. */
  static final long STALL_MS = 4_000;

  /** No first frame this long after the encoder started: the input is unavailable. */
  static final long FIRST_FRAME_MS = 15_000;

  static final long CAMERA_START_MS = 15_000;

  /** Seconds of the output the reader decodes, once the output has this much already. */
  static final double READ_S = 2;

  static final double READER_AFTER_S = 1;

  static final long READER_LIMIT_MS = 20_000;

  private static final long WATCH_MS = 500;

  private final Vertx vertx;
  private final FfmpegInfo ffmpeg;
  private final JobContext job;
  private final URI cameraUrl;
  private final RealtimeRule rule;
  private ChildProcess camera;
  private ChildProcess encoder;
  private final List<ChildProcess> readers = new ArrayList<>();
  private boolean readerAsked;
  private final List<Future<Void>> readersDone = new ArrayList<>();

  /** The send-time strip read back from the first RTMP output; null: no camera or no reader. */
  private SendTimeReader latency;

  private JsonObject latencyError;
  private URI latencyUrl;

  /** What each reader found, by output (the job's, or each rendition's in order); null: none. */
  private JsonObject[] verifications;

  private long watchTimer = -1;
  private long startNs;
  private long lastAdvanceNs;
  private long lastOutUs = -1;
  private boolean sawFrame;
  private boolean stopping;
  private Future<Void> stopped;

  /** {@code cameraUrl}: where a {@code live_synthetic} camera publishes; null for other inputs. */
  LiveSupervisor(Vertx vertx, FfmpegInfo ffmpeg, JobContext job, URI cameraUrl) {
    this.vertx = vertx;
    this.ffmpeg = ffmpeg;
    this.job = job;
    this.cameraUrl = cameraUrl;
    this.rule = new RealtimeRule(job.spec().measure().realtimeWindowS(), job.spec().video().fps());
  }

  /**
   * Starts following the encode and, for the synthetic camera, starts it and completes once it
   * publishes; fails with an {@code input_unavailable} reason when it does not.
   */
  Future<Void> start() {
    job.listen(this);
    if (cameraUrl == null) {
      return Future.succeededFuture();
    }
    Promise<Void> publishing = Promise.promise();
    ProgressParser parser =
        new ProgressParser(
            p -> {
              if (p.frame() != null && p.frame() >= 1) {
                publishing.tryComplete();
              }
            });
    List<String> cmd = FfmpegCommand.camera(ffmpeg.binary(), job.spec().input(), cameraUrl);
    job.result()
        .put(
            "camera",
            new JsonObject().put("url", cameraUrl.toString()).put("command", new JsonArray(cmd)));
    return vertx
        .executeBlocking(() -> Files.createDirectories(job.workDir()))
        .compose(dir -> ChildProcess.start(vertx, cmd, job.workDir(), parser::accept))
        .compose(
            c -> {
              camera = c;
              c.exit()
                  .onComplete(
                      ar -> {
                        publishing.tryFail(
                            "input_unavailable: the synthetic camera stopped before it published: "
                                + c.stderrLastLine());
                        if (!stopping && encoder != null && encoder.alive()) {
                          encoder.kill(
                              "input_lost: the synthetic camera stopped after "
                                  + seconds(lastOutUs)
                                  + " s of the "
                                  + seconds(asked())
                                  + " s asked: "
                                  + c.stderrLastLine(),
                              JobContext.KILL_GRACE_MS);
                        }
                      });
              long t =
                  vertx.setTimer(
                      CAMERA_START_MS,
                      x ->
                          publishing.tryFail(
                              "input_unavailable: the synthetic camera did not publish to "
                                  + cameraUrl
                                  + " within "
                                  + CAMERA_START_MS / 1000
                                  + " s"));
              return publishing.future().andThen(ar -> vertx.cancelTimer(t));
            });
  }

  @Override
  public void started(ChildProcess enc) {
    encoder = enc;
    startNs = System.nanoTime();
    lastAdvanceNs = startNs;
    watchTimer = vertx.setPeriodic(WATCH_MS, t -> watch());
  }

  @Override
  public void progress(Progress p) {
    long now = System.nanoTime();
    rule.add(now, p.outTimeUs(), p.frame(), p.dropFrames(), p.end());
    if (p.outTimeUs() != null && p.outTimeUs() > lastOutUs) {
      lastOutUs = p.outTimeUs();
      lastAdvanceNs = now;
    }
    if (p.frame() != null && p.frame() > 0) {
      sawFrame = true;
    }
    if (!readerAsked && lastOutUs >= READER_AFTER_S * 1e6) {
      startReaders();
    }
  }

  private void watch() {
    ChildProcess enc = encoder;
    if (enc == null || !enc.alive() || enc.killReason() != null) {
      return;
    }
    long now = System.nanoTime();
    if (!sawFrame && now - startNs > FIRST_FRAME_MS * 1_000_000) {
      enc.kill(
          "input_unavailable: no frame from "
              + inputName()
              + " within "
              + FIRST_FRAME_MS / 1000
              + " s (is anything publishing there?)",
          JobContext.KILL_GRACE_MS);
    } else if (sawFrame && now - lastAdvanceNs > STALL_MS * 1_000_000) {
      enc.kill(
          "input_lost: no new frame from "
              + inputName()
              + " for "
              + STALL_MS / 1000
              + " s after "
              + seconds(lastOutUs)
              + " s of the "
              + seconds(asked())
              + " s asked (its publisher stopped or vanished)",
          JobContext.KILL_GRACE_MS);
    }
  }

  private String inputName() {
    JobSpec.Input in = job.spec().input();
    if (in.url() != null) {
      return in.url().toString();
    }
    return cameraUrl != null ? "the synthetic camera at " + cameraUrl : "the realtime file";
  }

  private long asked() {
    return Math.round(job.spec().input().durationS() * 1e6);
  }

  private static String seconds(long us) {
    return String.format(Locale.ROOT, "%.1f", Math.max(0, us) / 1e6);
  }

  /** Each RTMP output (the job's, or every rendition's) read back by its own reader. */
  private void startReaders() {
    readerAsked = true;
    JobSpec spec = job.spec();
    if (spec.isLadder()) {
      verifications = new JsonObject[spec.renditions().size()];
      for (int i = 0; i < spec.renditions().size(); i++) {
        JobSpec.Rendition r = spec.renditions().get(i);
        if ("rtmp".equals(r.output().type())) {
          startReader(i, r.output().url(), r.video());
          if (latency == null) {
            startLatencyReader(r.output().url());
          }
        }
      }
    } else if ("rtmp".equals(spec.output().type())) {
      verifications = new JsonObject[1];
      startReader(0, spec.output().url(), spec.video());
      startLatencyReader(spec.output().url());
    }
  }

  /**
   * For the synthetic camera only (whose frames carry their send time): decodes the output as it
   * arrives and times each frame against the time drawn in it.
   */
  private void startLatencyReader(URI url) {
    if (cameraUrl == null) {
      return;
    }
    SendTimeReader reading = new SendTimeReader(System::currentTimeMillis);
    latency = reading;
    latencyUrl = url;
    List<String> cmd = FfmpegCommand.latencyReader(ffmpeg.binary(), url, READ_S);
    readersDone.add(
        ChildProcess.start(vertx, cmd, job.workDir(), reading::accept)
            .compose(
                r -> {
                  readers.add(r);
                  long t =
                      vertx.setTimer(
                          READER_LIMIT_MS, x -> r.kill("the reader ran past its time limit", 1000));
                  return r.exit()
                      .andThen(ar -> vertx.cancelTimer(t))
                      .map(
                          code -> {
                            if (reading.samples() == 0) {
                              latencyError =
                                  new JsonObject()
                                      .put("exit_code", code)
                                      .put("error", "no frame read back: " + r.stderrLastLine());
                            }
                            return (Void) null;
                          });
                })
            .recover(
                err -> {
                  latencyError = new JsonObject().put("error", String.valueOf(err.getMessage()));
                  return Future.succeededFuture();
                }));
  }

  private void startReader(int slot, URI url, JobSpec.Video expected) {
    StringBuilder out = new StringBuilder();
    List<String> cmd = FfmpegCommand.reader(ffmpeg.binary(), url, READ_S);
    readersDone.add(
        ChildProcess.start(vertx, cmd, job.workDir(), line -> out.append(line).append('\n'))
            .compose(
                r -> {
                  readers.add(r);
                  long t =
                      vertx.setTimer(
                          READER_LIMIT_MS, x -> r.kill("the reader ran past its time limit", 1000));
                  return r.exit()
                      .andThen(ar -> vertx.cancelTimer(t))
                      .map(
                          code -> {
                            verifications[slot] =
                                verification(url, code, out.toString(), r, expected);
                            return (Void) null;
                          });
                })
            .recover(
                err -> {
                  verifications[slot] =
                      new JsonObject()
                          .put("url", url.toString())
                          .put("ok", false)
                          .put("error", String.valueOf(err.getMessage()));
                  return Future.succeededFuture();
                }));
  }

  private JsonObject verification(
      URI url, int code, String stdout, ChildProcess r, JobSpec.Video video) {
    JsonObject v =
        new JsonObject()
            .put("reader", "ffprobe")
            .put("url", url.toString())
            .put("read_s", READ_S)
            .put("exit_code", code);
    JsonObject stream = null;
    try {
      JsonArray streams = new JsonObject(stdout.isBlank() ? "{}" : stdout).getJsonArray("streams");
      stream = streams == null || streams.isEmpty() ? null : streams.getJsonObject(0);
    } catch (RuntimeException e) {
      v.put("error", "unreadable reader output: " + e.getMessage());
    }
    if (stream == null) {
      return v.put("ok", false)
          .put("error", v.getString("error", "no video read back: " + r.stderrLastLine()));
    }
    String frames = String.valueOf(stream.getValue("nb_read_frames"));
    long decoded = frames.matches("\\d+") ? Long.parseLong(frames) : 0;
    String codec = stream.getString("codec_name");
    Integer w = stream.getInteger("width");
    Integer h = stream.getInteger("height");
    boolean ok =
        decoded > 0
            && video.codec().id().equals(codec)
            && w != null
            && w == video.resolution().width()
            && h != null
            && h == video.resolution().height();
    return v.put("codec", codec)
        .put("width", w)
        .put("height", h)
        .put("decoded_frames", decoded)
        .put("ok", ok);
  }

  /**
   * Each rendition's reader's findings, put into its entry of the result's {@code renditions} too;
   * {@code ok} when every RTMP rendition decoded with its own codec and size.
   */
  private JsonObject ladderVerification(JsonObject result) {
    List<JobSpec.Rendition> rungs = job.spec().renditions();
    JsonArray stats = result.getJsonArray("renditions");
    JsonArray per = new JsonArray();
    Boolean allOk = null;
    for (int i = 0; i < rungs.size(); i++) {
      JobSpec.Rendition r = rungs.get(i);
      JsonObject v = verifications == null ? null : verifications[i];
      if (v == null) {
        v =
            new JsonObject()
                .put("ok", (Object) null)
                .put(
                    "note",
                    "srt".equals(r.output().type())
                        ? "an SRT output connects as a caller to its listener; no reader can join"
                            + " it"
                        : r.output().isStream()
                            ? "the output ended before " + READER_AFTER_S + " s: nothing to read"
                            : "not a stream: nothing to read back");
      } else {
        allOk = (allOk == null || allOk) && Boolean.TRUE.equals(v.getBoolean("ok"));
      }
      if (stats != null && i < stats.size()) {
        stats.getJsonObject(i).put("verification", v);
      }
      per.add(v.copy().put("name", r.name()));
    }
    return new JsonObject().put("reader", "ffprobe").put("ok", allOk).put("renditions", per);
  }

  /**
   * Stops the camera and the reader (SIGTERM, then SIGKILL after the grace) and the watchdog; safe
   * to call more than once. Completes when they have ended.
   */
  Future<Void> stop() {
    if (stopped != null) {
      return stopped;
    }
    stopping = true;
    if (watchTimer >= 0) {
      vertx.cancelTimer(watchTimer);
      watchTimer = -1;
    }
    List<Future<?>> ends = new ArrayList<>();
    if (camera != null) {
      if (camera.alive()) {
        camera.kill("the job's encode ended", JobContext.KILL_GRACE_MS);
      }
      ends.add(camera.exit().otherwiseEmpty());
    }
    // The reader reads a few seconds and stops by itself; once the stream has ended it is given a
    // little longer before it is stopped.
    for (ChildProcess r : List.copyOf(readers)) {
      if (r.alive()) {
        long t =
            vertx.setTimer(
                8_000, x -> r.kill("the stream it read has ended", JobContext.KILL_GRACE_MS));
        r.exit().onComplete(ar -> vertx.cancelTimer(t));
      }
    }
    for (Future<Void> done : readersDone) {
      ends.add(done.otherwiseEmpty());
    }
    stopped = Future.join(ends).<Void>mapEmpty().otherwiseEmpty();
    return stopped;
  }

  /**
   * The {@code live} block of the result, and how the job ends: {@code ended} as the encode report
   * judged it, an input failure named as such ({@code failure_reason}), or an input that ended
   * before the duration turned into {@code input_lost}. Empty: the job goes on (and succeeds).
   */
  Optional<JobRunner.Outcome> judge(EncodePass.Encoded enc, Optional<JobRunner.Outcome> ended) {
    JsonObject result = job.result();
    JsonObject live = rule.toJson();
    JsonObject energy = result.getJsonObject("energy");
    if (energy != null && energy.getLong("duration_ms", 0L) > 0) {
      double s = energy.getLong("duration_ms") / 1000.0;
      live.put("watts_per_stream", round(energy.getDouble("total_joules") / s, 3));
      Double above = energy.getDouble("above_idle_joules");
      live.put("above_idle_watts_per_stream", above == null ? null : round(above / s, 3));
    }
    if (job.spec().isLadder()) {
      live.put("verification", ladderVerification(result));
    } else if (verifications != null && verifications[0] != null) {
      live.put("verification", verifications[0]);
    } else if (job.spec().output().isStream()) {
      live.put(
          "verification",
          new JsonObject()
              .put("ok", (Object) null)
              .put(
                  "note",
                  "srt".equals(job.spec().output().type())
                      ? "an SRT output connects as a caller to its listener; no reader can join it"
                      : "the output ended before " + READER_AFTER_S + " s: nothing to read back"));
    }
    if (latency != null) {
      JsonObject l = latency.toJson().put("url", latencyUrl.toString());
      live.put("latency_ms", latencyError == null ? l : l.mergeIn(latencyError));
    }
    result.put("live", live);
    if (ended.isPresent()) {
      JobRunner.Outcome o = ended.get();
      String error = o.error() == null ? "" : o.error();
      if (error.startsWith("input_lost") || error.startsWith("input_unavailable")) {
        result.put("failure_reason", error.substring(0, error.indexOf(':')));
      } else if ("failed".equals(o.state())
          && error.startsWith("FFmpeg exited with")
          && job.spec().input().url() != null
          && enc.child().stderrTail().contains(job.spec().input().url().getHost())) {
        String reason = sawFrame ? "input_lost" : "input_unavailable";
        result.put("failure_reason", reason);
        return Optional.of(job.failed(reason + ": " + error, true));
      }
      return ended;
    }
    double tolerance = Math.max(1.0, 2 / job.spec().video().fps());
    if (job.spec().input().isLive()
        && lastOutUs / 1e6 < job.spec().input().durationS() - tolerance) {
      result.put("failure_reason", "input_lost");
      return Optional.of(
          job.failed(
              "input_lost: "
                  + inputName()
                  + " ended after "
                  + seconds(lastOutUs)
                  + " s of the "
                  + seconds(asked())
                  + " s asked (its publisher stopped)",
              true));
    }
    return Optional.empty();
  }
}
