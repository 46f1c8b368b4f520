package io.ffrtmp.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A validated transcoding job: what to encode, how, and what to measure. Built only through {@link
 * #fromJson}, which applies the scenario, fills defaults and rejects anything out of range with a
 * {@link SpecException} (the rules are {@link JobSpecParser}'s). Never a bag of raw FFmpeg
 * arguments.
 */
public record JobSpec(
    String name,
    String scenario,
    Input input,
    Output output,
    Video video,
    String engine,
    Queue queue,
    Priority priority,
    Measure measure,
    int timeoutS,
    Requirements requirements,
    List<Rendition> renditions) {

  /** The most renditions one ladder may have. */
  public static final int MAX_RENDITIONS = 8;

  public JobSpec {
    renditions = renditions == null ? List.of() : List.copyOf(renditions);
  }

  /** A single-output job (no ladder). */
  public JobSpec(
      String name,
      String scenario,
      Input input,
      Output output,
      Video video,
      String engine,
      Queue queue,
      Priority priority,
      Measure measure,
      int timeoutS,
      Requirements requirements) {
    this(
        name,
        scenario,
        input,
        output,
        video,
        engine,
        queue,
        priority,
        measure,
        timeoutS,
        requirements,
        List.of());
  }

  /** The compact form without placement requirements: any node may run it. */
  public JobSpec(
      String name,
      String scenario,
      Input input,
      Output output,
      Video video,
      String engine,
      Queue queue,
      Priority priority,
      Measure measure,
      int timeoutS) {
    this(
        name,
        scenario,
        input,
        output,
        video,
        engine,
        queue,
        priority,
        measure,
        timeoutS,
        Requirements.NONE);
  }

  /**
   * Where a job may run: every label here must be on the node with the same value, and {@code
   * node}, when set, names the one node that may take it. The encoder is a requirement of its own:
   * a node only gets jobs whose encoder it has ({@code auto} runs anywhere).
   */
  public record Requirements(Map<String, String> labels, String node) {
    public static final Requirements NONE = new Requirements(Map.of(), null);

    public JsonObject toJson() {
      JsonObject j =
          new JsonObject().put("labels", new JsonObject(new TreeMap<String, Object>(labels)));
      if (node != null) {
        j.put("node", node);
      }
      return j;
    }

    /** The same job pinned to one node (for "run on every node"). */
    public Requirements on(String nodeId) {
      return new Requirements(labels, nodeId);
    }
  }

  /** This job pinned to one node. */
  public JobSpec onNode(String nodeId) {
    return new JobSpec(
        name,
        scenario,
        input,
        output,
        video,
        engine,
        queue,
        priority,
        measure,
        timeoutS,
        requirements.on(nodeId),
        renditions);
  }

  public enum Queue {
    LIVE,
    DEFAULT,
    BATCH;

    /** Dispatch order: live before default before batch. */
    public int rank() {
      return ordinal();
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Priority {
    HIGH,
    MEDIUM,
    LOW;

    public int rank() {
      return ordinal();
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum RateControl {
    CRF,
    CBR,
    VBR
  }

  public enum QualityMetric {
    PSNR,
    SSIM,
    VMAF
  }

  /**
   * Synthetic input (a lavfi pattern at the given size and rate, reproducible so quality is scored
   * against the very same frames), or a file: {@code path} relative to one of the worker's media
   * roots, its size and rate read from the file when the job runs (resolution and fps null here),
   * {@code durationS} 0 for the whole file or a limit in seconds; {@code realtime} plays a file at
   * its own rate ({@code -re}), as a live source would arrive. Live inputs: {@code rtmp} and {@code
   * srt} read {@code url} (size and rate unknown until it plays), {@code live_synthetic} is a lavfi
   * pattern that the worker publishes at realtime to its RTMP server and the job reads back as its
   * camera; a live input runs for {@code durationS} or until canceled.
   */
  public record Input(
      String type,
      String pattern,
      double durationS,
      Resolution resolution,
      double fps,
      String path,
      URI url,
      boolean realtime) {

    public Input(
        String type,
        String pattern,
        double durationS,
        Resolution resolution,
        double fps,
        String path) {
      this(type, pattern, durationS, resolution, fps, path, null, false);
    }

    public Input(String type, String pattern, double durationS, Resolution resolution, double fps) {
      this(type, pattern, durationS, resolution, fps, null);
    }

    public boolean isFile() {
      return "file".equals(type);
    }

    /** Read from a stream that arrives at realtime: rtmp, srt or the published synthetic camera. */
    public boolean isLive() {
      return "rtmp".equals(type) || "srt".equals(type) || "live_synthetic".equals(type);
    }

    /** A lavfi pattern (encoded directly, or published as the live camera). */
    public boolean isPattern() {
      return "synthetic".equals(type) || "live_synthetic".equals(type);
    }

    public long frames() {
      return Math.round(durationS * fps);
    }

    /**
     * The lavfi source description; every value comes from validated fields, never from user text.
     */
    public String lavfiSource() {
      return pattern
          + "=size="
          + resolution
          + ":rate="
          + Fps.format(fps)
          + ":duration="
          + Fps.format(durationS);
    }
  }

  /**
   * Where the encode goes: nowhere ({@code null}: measured and dropped), a kept {@code file}, or a
   * live stream to {@code url} ({@code rtmp} as FLV, {@code srt} as MPEG-TS).
   */
  public record Output(String type, URI url) {
    public Output(String type) {
      this(type, null);
    }

    public boolean keep() {
      return "file".equals(type);
    }

    public boolean isStream() {
      return "rtmp".equals(type) || "srt".equals(type);
    }
  }

  /**
   * One rung of an ABR ladder: its name (also its file name or stream-name suffix), its own video
   * settings (the job's {@code video} with the rendition's resolution, bitrate and any encoder,
   * preset or fps it names) and where it goes: a stream URL for live jobs, else the job's output
   * type ({@code file} or {@code null}).
   */
  public record Rendition(String name, Video video, Output output) {}

  /** An ABR ladder: one decode, N scaled encodes, N outputs, in one process. */
  public boolean isLadder() {
    return !renditions.isEmpty();
  }

  /** A live job: its input arrives at realtime (a live input, or a file played with -re). */
  public boolean isLive() {
    return input.isLive() || input.isFile() && input.realtime();
  }

  /**
   * {@code encoderAuto}: the spec said {@code encoder: auto}; {@code encoder} holds the software
   * choice until a worker that has a working hardware encoder for the codec picks that instead
   * ({@link #forNode}).
   */
  public record Video(
      Codec codec,
      Encoder encoder,
      boolean encoderAuto,
      String preset,
      RateControl rateControl,
      Integer crf,
      Integer bitrateKbps,
      Integer maxBitrateKbps,
      Resolution resolution,
      double fps,
      int gop,
      int threads,
      Target target) {

    /** Settings without a quality target: the CRF or bitrate is the spec's own. */
    public Video(
        Codec codec,
        Encoder encoder,
        boolean encoderAuto,
        String preset,
        RateControl rateControl,
        Integer crf,
        Integer bitrateKbps,
        Integer maxBitrateKbps,
        Resolution resolution,
        double fps,
        int gop,
        int threads) {
      this(
          codec,
          encoder,
          encoderAuto,
          preset,
          rateControl,
          crf,
          bitrateKbps,
          maxBitrateKbps,
          resolution,
          fps,
          gop,
          threads,
          null);
    }

    /**
     * The same settings with the searched parameter fixed (the CRF with rate control crf, else the
     * bitrate) and no target left: what a probe or the final encode runs.
     */
    public Video searched(int value) {
      boolean crfSearch = rateControl == RateControl.CRF;
      return new Video(
          codec,
          encoder,
          encoderAuto,
          preset,
          rateControl,
          crfSearch ? Integer.valueOf(value) : null,
          crfSearch ? null : Integer.valueOf(value),
          null,
          resolution,
          fps,
          gop,
          threads,
          null);
    }
  }

  /**
   * A quality target instead of a CRF or bitrate ({@code video.target}): the worker searches for
   * the highest CRF (with rate control crf) or lowest bitrate (cbr, vbr) whose {@code metric} score
   * reaches {@code value}; {@code tolerance} is how far above the target a probe may land and still
   * end the search; {@code sampleS}, when set, searches on the input's first seconds.
   */
  public record Target(QualityMetric metric, double value, double tolerance, Double sampleS) {

    /** {@code crf} or {@code bitrate_kbps}: what the search varies under this rate control. */
    public static String parameter(RateControl rc) {
      return rc == RateControl.CRF ? "crf" : "bitrate_kbps";
    }

    public String metricId() {
      return metric.name().toLowerCase(Locale.ROOT);
    }

    public JsonObject toJson() {
      JsonObject j =
          new JsonObject()
              .put("metric", metricId())
              .put("value", value)
              .put("tolerance", tolerance);
      if (sampleS != null) {
        j.put("sample_s", sampleS);
      }
      return j;
    }

    /** {@code psnr40}, {@code ssim0.95}, with a non-default tolerance and a sample if given. */
    String label() {
      StringBuilder sb = new StringBuilder(metricId()).append(Fps.format(value));
      if (tolerance != TargetParser.defaultTolerance(metric)) {
        sb.append(" tol").append(Fps.format(tolerance));
      }
      if (sampleS != null) {
        sb.append(" sample").append(Fps.format(sampleS)).append('s');
      }
      return sb.toString();
    }
  }

  /** The same job with the searched CRF or bitrate fixed and its target resolved. */
  public JobSpec searched(int value) {
    return withVideo(video.searched(value));
  }

  /** The same job reading only the first {@code seconds} of its input (a search sample). */
  public JobSpec sampled(double seconds) {
    Input in =
        new Input(
            input.type(),
            input.pattern(),
            seconds,
            input.resolution(),
            input.fps(),
            input.path(),
            input.url(),
            input.realtime());
    return new JobSpec(
        name,
        scenario,
        in,
        output,
        video,
        engine,
        queue,
        priority,
        measure,
        timeoutS,
        requirements,
        renditions);
  }

  private JobSpec withVideo(Video v) {
    return new JobSpec(
        name,
        scenario,
        input,
        output,
        v,
        engine,
        queue,
        priority,
        measure,
        timeoutS,
        requirements,
        renditions);
  }

  /** Hardware families in the order {@code encoder: auto} prefers them. */
  private static final List<Encoder.Hardware> AUTO_ORDER =
      List.of(Encoder.Hardware.NVENC, Encoder.Hardware.QSV, Encoder.Hardware.VAAPI);

  /**
   * The spec as a node with these working encoders runs it: {@code encoder: auto} without an
   * explicit preset picks the node's hardware encoder for the codec (NVENC, then QSV, then VAAPI)
   * with its default preset, else stays with the software encoder. The rate-control value carries
   * over (the CRF ranges of the hardware H.264/HEVC encoders cover the software ones'). Specs that
   * name an encoder are returned unchanged.
   */
  public JobSpec forNode(Set<Encoder> working) {
    if (!video.encoderAuto()
        || video.preset() != null && !video.preset().equals(video.encoder().defaultPreset())) {
      return this;
    }
    for (Encoder.Hardware hw : AUTO_ORDER) {
      for (Encoder e : Encoder.values()) {
        if (e.hardware() == hw
            && e.codec() == video.codec()
            && working.contains(e)
            && (video.crf() == null || video.crf() >= e.crfMin() && video.crf() <= e.crfMax())) {
          Video v =
              new Video(
                  video.codec(),
                  e,
                  true,
                  e.defaultPreset(),
                  video.rateControl(),
                  video.crf(),
                  video.bitrateKbps(),
                  video.maxBitrateKbps(),
                  video.resolution(),
                  video.fps(),
                  video.gop(),
                  video.threads(),
                  video.target());
          return new JobSpec(
              name,
              scenario,
              input,
              output,
              v,
              engine,
              queue,
              priority,
              measure,
              timeoutS,
              requirements,
              renditions);
        }
      }
    }
    return this;
  }

  /**
   * {@code settleMaxS} > 0: before the encode, wait (at most that long) until the node's power is
   * within {@code settleWithin} of its idle baseline, so the heat of the previous job does not
   * count against this one. {@code exclusive} (the default): the job has its node to itself, so its
   * energy needs no attribution; a job that allows sharing may run beside others and gets its share
   * of the node's energy by CPU time. {@code realtimeWindowS}: a live job holds realtime while its
   * speed over every window this long stays at or above 0.99 (docs/live.md).
   */
  public record Measure(
      int intervalMs,
      List<QualityMetric> quality,
      double settleMaxS,
      double settleWithin,
      boolean exclusive,
      double realtimeWindowS) {

    public static final double DEFAULT_REALTIME_WINDOW_S = 10;

    public Measure(
        int intervalMs,
        List<QualityMetric> quality,
        double settleMaxS,
        double settleWithin,
        boolean exclusive) {
      this(intervalMs, quality, settleMaxS, settleWithin, exclusive, DEFAULT_REALTIME_WINDOW_S);
    }
  }

  /**
   * Validates a spec from a user or another process: the schema first (every field named), then the
   * rules.
   */
  public static JobSpec fromJson(JsonObject json) {
    SchemaCheck.JOB_SPEC.check(json);
    return JobSpecParser.parse(json);
  }

  /**
   * A spec this project stored itself ({@link #toJson()}'s canonical form, validated when it was
   * accepted): the same typed parse without the schema pass, which a master would otherwise repeat
   * on every claim.
   */
  public static JobSpec fromStored(JsonObject json) {
    return JobSpecParser.parse(json);
  }

  /**
   * The canonical, fully expanded form: what is stored, sent to workers and written into results.
   */
  public JsonObject toJson() {
    JsonObject videoJson =
        new JsonObject()
            .put("codec", video.codec().id())
            .put("encoder", video.encoderAuto() ? "auto" : video.encoder().ffmpegName())
            .put("rate_control", video.rateControl().name().toLowerCase(Locale.ROOT))
            .put("resolution", video.resolution().toString())
            .put("fps", video.fps())
            .put("gop", video.gop())
            .put("threads", video.threads());
    if (video.preset() != null) {
      videoJson.put("preset", video.preset());
    }
    if (video.crf() != null) {
      videoJson.put("crf", video.crf());
    }
    if (video.bitrateKbps() != null) {
      videoJson.put("bitrate", video.bitrateKbps() + "k");
    }
    if (video.maxBitrateKbps() != null) {
      videoJson.put("max_bitrate", video.maxBitrateKbps() + "k");
    }
    if (video.target() != null) {
      videoJson.put("target", video.target().toJson());
    }
    JsonObject out = new JsonObject();
    if (name != null) {
      out.put("name", name);
    }
    if (scenario != null) {
      out.put("scenario", scenario);
    }
    JsonObject measureJson =
        new JsonObject()
            .put("interval_ms", measure.intervalMs())
            .put("settle_max_s", measure.settleMaxS())
            .put("settle_within", measure.settleWithin())
            .put("exclusive", measure.exclusive())
            .put(
                "quality",
                new JsonArray(
                    measure.quality().stream()
                        .map(x -> x.name().toLowerCase(Locale.ROOT))
                        .toList()));
    if (isLive()) {
      measureJson.put("realtime_window_s", measure.realtimeWindowS());
    }
    return out.put("input", inputJson())
        .put("output", outputJson())
        .put("video", videoJson)
        .put("engine", engine)
        .put("queue", queue.id())
        .put("priority", priority.id())
        .put("measure", measureJson)
        .put("timeout_s", timeoutS)
        .put("requirements", requirements.toJson())
        .mergeIn(
            isLadder() ? new JsonObject().put("renditions", renditionsJson()) : new JsonObject());
  }

  private JsonArray renditionsJson() {
    JsonArray a = new JsonArray();
    for (Rendition r : renditions) {
      Video v = r.video();
      JsonObject j =
          new JsonObject()
              .put("name", r.name())
              .put("resolution", v.resolution().toString())
              .put("bitrate", v.bitrateKbps() + "k")
              .put("encoder", v.encoder().ffmpegName())
              .put("fps", v.fps());
      if (v.preset() != null) {
        j.put("preset", v.preset());
      }
      if (r.output().url() != null) {
        j.put(
            "output",
            new JsonObject()
                .put("type", r.output().type())
                .put("url", r.output().url().toString()));
      }
      a.add(j);
    }
    return a;
  }

  private JsonObject inputJson() {
    JsonObject j = new JsonObject().put("type", input.type());
    if (input.isFile()) {
      j.put("path", input.path()).put("duration_s", input.durationS());
      if (input.realtime()) {
        j.put("realtime", true);
      }
      return j;
    }
    if (input.url() != null) {
      return j.put("url", input.url().toString()).put("duration_s", input.durationS());
    }
    return j.put("pattern", input.pattern())
        .put("duration_s", input.durationS())
        .put("resolution", input.resolution().toString())
        .put("fps", input.fps());
  }

  private JsonObject outputJson() {
    JsonObject j = new JsonObject().put("type", output.type());
    return output.url() == null ? j : j.put("url", output.url().toString());
  }

  /** The configuration that repetitions share, as shown in rankings. */
  public JsonObject configJson() {
    return new JsonObject()
        .put("encoder", video.encoder().ffmpegName())
        .put("codec", video.codec().id())
        .put("preset", video.preset())
        .put("rate_control", video.rateControl().name().toLowerCase(Locale.ROOT))
        .put("crf", video.crf())
        .put("bitrate_kbps", video.bitrateKbps())
        .put("resolution", video.resolution().toString())
        .put("fps", video.fps())
        .put("threads", video.threads())
        .put("engine", engine)
        .mergeIn(
            video.target() == null
                ? new JsonObject()
                : new JsonObject().put("target", video.target().toJson()));
  }

  /** The engine every spec runs with unless it names another. */
  public static final String DEFAULT_ENGINE = "ffmpeg";

  /**
   * A short, stable label such as {@code libx264 veryfast crf23 1280x720p30}; a spec for another
   * engine than FFmpeg ends in its name ({@code ... gstreamer}), so a campaign's engine axis gives
   * each engine its own configuration.
   */
  public String configKey() {
    String key = isLadder() ? ladderKey() : encodingKey();
    return DEFAULT_ENGINE.equals(engine) ? key : key + " " + engine;
  }

  /** {@code ladder 1080p=libx264 veryfast 1920x1080p30 5000k,720p=...}: every rung, in order. */
  private String ladderKey() {
    StringBuilder sb = new StringBuilder("ladder");
    String sep = " ";
    for (Rendition r : renditions) {
      Video v = r.video();
      sb.append(sep).append(r.name()).append('=').append(v.encoder().ffmpegName());
      if (v.preset() != null) {
        sb.append(' ')
            .append(Character.isDigit(v.preset().charAt(0)) ? "p" + v.preset() : v.preset());
      }
      sb.append(' ')
          .append(v.rateControl().name().toLowerCase(Locale.ROOT))
          .append(v.bitrateKbps())
          .append("k ")
          .append(v.resolution())
          .append('p')
          .append(Fps.format(v.fps()));
      sep = ",";
    }
    return sb.toString();
  }

  private String encodingKey() {
    if (video.encoderAuto()) {
      // The encoder is the node's choice: the key names the codec, and the result's config names
      // what ran.
      StringBuilder sb = new StringBuilder("auto-").append(video.codec().id());
      if (video.preset() != null && !video.preset().equals(video.encoder().defaultPreset())) {
        sb.append(' ').append(video.preset()); // a named software preset keeps the software encoder
      }
      appendRateAndSize(sb);
      return sb.toString();
    }
    StringBuilder sb = new StringBuilder(video.encoder().ffmpegName());
    if (video.preset() != null) {
      sb.append(' ')
          .append(
              Character.isDigit(video.preset().charAt(0)) ? "p" + video.preset() : video.preset());
    }
    appendRateAndSize(sb);
    return sb.toString();
  }

  private void appendRateAndSize(StringBuilder sb) {
    if (video.target() != null) {
      // The value is the worker's to find: the key names what it looks for.
      sb.append(' ')
          .append(video.rateControl().name().toLowerCase(Locale.ROOT))
          .append('@')
          .append(video.target().label());
    } else {
      switch (video.rateControl()) {
        case CRF -> sb.append(" crf").append(video.crf());
        case CBR -> sb.append(" cbr").append(video.bitrateKbps()).append('k');
        case VBR -> sb.append(" vbr").append(video.bitrateKbps()).append('k');
        default -> throw new IllegalStateException();
      }
    }
    sb.append(' ').append(video.resolution()).append('p').append(Fps.format(video.fps()));
    if (video.threads() > 0) {
      sb.append(" t").append(video.threads());
    }
  }
}
