package io.ffrtmp.worker;

import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.power.Measurement;
import io.ffrtmp.worker.engine.ChildProcess;
import io.ffrtmp.worker.engine.FfmpegCommand;
import io.ffrtmp.worker.engine.Progress;
import io.ffrtmp.worker.engine.SourceInfo;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One leased job while it runs on this node, handed from pass to pass: what it is (the lease, the
 * spec as this node runs it, the source), where it works, the result being built, and the state the
 * worker reads or changes while it runs (cancel, the child a cancel stops, the open energy window,
 * the activity counter).
 */
final class JobContext {

  /** How long a killed child gets to close its output before SIGKILL. */
  static final long KILL_GRACE_MS = 2000;

  private final JobLease lease;
  private volatile JobSpec spec;
  private volatile JobSpec.Target target;
  private final Path workDir;
  private final JsonObject result;
  private final JsonObject idleBaseline;
  private final Consumer<JsonObject> progress;
  private final AtomicLong activity;
  private SourceInfo source;
  private String engine = "ffmpeg";
  private volatile String cancelReason;
  private volatile ChildProcess current;
  private volatile Measurement measurement;
  private volatile EncodeListener listener;

  /** Follows the encode as it runs (a live job's supervisor); called on the worker's context. */
  interface EncodeListener {
    void started(ChildProcess encoder);

    void progress(Progress block);
  }

  JobContext(
      JobLease lease,
      JobSpec spec,
      Path workDir,
      JsonObject result,
      JsonObject idleBaseline,
      Consumer<JsonObject> progress,
      AtomicLong activity) {
    this.lease = lease;
    this.spec = spec;
    this.workDir = workDir;
    this.result = result;
    this.idleBaseline = idleBaseline;
    this.progress = progress;
    this.activity = activity;
  }

  JobLease lease() {
    return lease;
  }

  /**
   * The spec as run on this node (an {@code auto} encoder resolved to one it has; after a quality
   * target's search, the CRF or bitrate it chose).
   */
  JobSpec spec() {
    return spec;
  }

  /** The search chose a value: the job runs this spec from now on. */
  void searched(JobSpec chosen, JobSpec.Target reached) {
    this.spec = chosen;
    this.target = reached;
  }

  /** The quality target the job's value was searched for; null when the spec gave the value. */
  JobSpec.Target target() {
    return target;
  }

  /** The source once resolved; null before. */
  SourceInfo source() {
    return source;
  }

  void source(SourceInfo resolved) {
    this.source = resolved;
  }

  /** The engine that runs the encode on this node: {@code ffmpeg} or {@code gstreamer}. */
  String engine() {
    return engine;
  }

  void engine(String chosen) {
    this.engine = chosen;
  }

  boolean gstreamer() {
    return "gstreamer".equals(engine);
  }

  /** The job ended before it ran: a permanent failure with a reason code in the result. */
  JobRunner.Outcome refused(String code, String reason) {
    result.put("error_code", code);
    return failed(reason, false);
  }

  /** The job's own directory, removed when it ends. */
  Path workDir() {
    return workDir;
  }

  /** Where the encode writes; the quality pass reads it and a kept output is moved from there. */
  Path encoded() {
    return workDir.resolve("encoded.mkv");
  }

  /** Where a ladder's rendition is written while the job runs. */
  Path encoded(String rendition) {
    return FfmpegCommand.renditionFile(encoded(), rendition);
  }

  /** The result object being built; every pass adds its fields. */
  JsonObject result() {
    return result;
  }

  /** The node's idle power as last measured; null when it was not. */
  JsonObject idleBaseline() {
    return idleBaseline;
  }

  void progress(JsonObject message) {
    progress.accept(message);
  }

  /** A sign of life: a progress line, a quality-pass line, a settle reading. */
  void active() {
    activity.incrementAndGet();
  }

  /**
   * Records the cancel and stops the running child, if any; each pass looks at {@link #canceled()}
   * between steps.
   */
  void cancel(String reason) {
    cancelReason = reason;
    ChildProcess p = current;
    if (p != null) {
      p.kill(reason, KILL_GRACE_MS);
    }
  }

  boolean canceled() {
    return cancelReason != null;
  }

  String cancelReason() {
    return cancelReason;
  }

  void listen(EncodeListener l) {
    this.listener = l;
  }

  /** The encoder has started: a listener may watch it. */
  void encodeStarted(ChildProcess encoder) {
    EncodeListener l = listener;
    if (l != null) {
      l.started(encoder);
    }
  }

  /** One progress block of the encoder. */
  void encodeProgress(Progress block) {
    EncodeListener l = listener;
    if (l != null) {
      l.progress(block);
    }
  }

  /** The child a cancel stops from now on; null once it has ended. */
  void running(ChildProcess child) {
    this.current = child;
  }

  /**
   * The encode's energy window, for live watts; it stays after the window closes, as its last
   * reading.
   */
  void window(Measurement m) {
    this.measurement = m;
  }

  Double currentWatts() {
    Measurement m = measurement;
    return m == null ? null : m.currentWatts();
  }

  /** The job ended without a figure: the reason goes into the result as its error. */
  JobRunner.Outcome failed(String reason, boolean retryable) {
    result.put("error", reason);
    return new JobRunner.Outcome("failed", result, reason, retryable);
  }

  JobRunner.Outcome canceled(String why) {
    return new JobRunner.Outcome("canceled", result, why, false);
  }

  JobRunner.Outcome succeeded() {
    return new JobRunner.Outcome("succeeded", result, null, false);
  }
}
