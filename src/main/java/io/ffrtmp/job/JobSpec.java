package io.ffrtmp.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * A validated transcoding job: what to encode, how, and what to measure. Built only through {@link #fromJson}, which
 * applies the scenario, fills defaults and rejects anything out of range with a {@link SpecException}. Never a bag of
 * raw FFmpeg arguments.
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
  Requirements requirements) {

  /** The compact form without placement requirements: any node may run it. */
  public JobSpec(String name, String scenario, Input input, Output output, Video video, String engine, Queue queue,
                 Priority priority, Measure measure, int timeoutS) {
    this(name, scenario, input, output, video, engine, queue, priority, measure, timeoutS, Requirements.NONE);
  }

  /**
   * Where a job may run: every label here must be on the node with the same value, and {@code node}, when set, names
   * the one node that may take it. The encoder is a requirement of its own: a node only gets jobs whose encoder it has
   * ({@code auto} runs anywhere).
   */
  public record Requirements(java.util.Map<String, String> labels, String node) {
    public static final Requirements NONE = new Requirements(java.util.Map.of(), null);

    public JsonObject toJson() {
      JsonObject j = new JsonObject().put("labels", new JsonObject(new java.util.TreeMap<String, Object>(labels)));
      if (node != null) {
        j.put("node", node);
      }
      return j;
    }

    static Requirements of(JsonObject json) {
      JsonObject r = json.getJsonObject("requirements");
      if (r == null) {
        return NONE;
      }
      java.util.Map<String, String> labels = new java.util.TreeMap<>();
      r.getJsonObject("labels", new JsonObject()).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
      return new Requirements(java.util.Collections.unmodifiableMap(labels), r.getString("node"));
    }

    /** The same job pinned to one node (for "run on every node"). */
    public Requirements on(String nodeId) {
      return new Requirements(labels, nodeId);
    }
  }

  /** This job pinned to one node. */
  public JobSpec onNode(String nodeId) {
    return new JobSpec(name, scenario, input, output, video, engine, queue, priority, measure, timeoutS, requirements.on(nodeId));
  }

  public enum Queue {
    LIVE, DEFAULT, BATCH;

    /** Dispatch order: live before default before batch. */
    public int rank() {
      return ordinal();
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Priority {
    HIGH, MEDIUM, LOW;

    public int rank() {
      return ordinal();
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum RateControl { CRF, CBR, VBR }

  public enum QualityMetric { PSNR, SSIM, VMAF }

  /** Synthetic input: a lavfi test pattern, reproducible so quality is scored against the very same frames. */
  /**
   * Synthetic input (a lavfi pattern at the given size and rate), or a file: {@code path} relative to one of the
   * worker's media roots, its size and rate read from the file when the job runs (resolution and fps null here),
   * {@code durationS} 0 for the whole file or a limit in seconds.
   */
  public record Input(String type, String pattern, double durationS, Resolution resolution, double fps, String path) {

    public Input(String type, String pattern, double durationS, Resolution resolution, double fps) {
      this(type, pattern, durationS, resolution, fps, null);
    }

    public boolean isFile() {
      return "file".equals(type);
    }

    public long frames() {
      return Math.round(durationS * fps);
    }

    /** The lavfi source description; every value comes from validated fields, never from user text. */
    public String lavfiSource() {
      return pattern + "=size=" + resolution + ":rate=" + Fps.format(fps) + ":duration=" + Fps.format(durationS);
    }
  }

  public record Output(String type) {
    public boolean keep() {
      return "file".equals(type);
    }
  }

  /**
   * {@code encoderAuto}: the spec said {@code encoder: auto}; {@code encoder} holds the software choice until a
   * worker that has a working hardware encoder for the codec picks that instead ({@link #forNode}).
   */
  public record Video(Codec codec, Encoder encoder, boolean encoderAuto, String preset, RateControl rateControl, Integer crf,
                      Integer bitrateKbps, Integer maxBitrateKbps, Resolution resolution, double fps, int gop, int threads) {
  }

  /** Hardware families in the order {@code encoder: auto} prefers them. */
  private static final List<Encoder.Hardware> AUTO_ORDER = List.of(Encoder.Hardware.NVENC, Encoder.Hardware.QSV,
    Encoder.Hardware.VAAPI);

  /**
   * The spec as a node with these working encoders runs it: {@code encoder: auto} without an explicit preset picks
   * the node's hardware encoder for the codec (NVENC, then QSV, then VAAPI) with its default preset, else stays
   * with the software encoder. The rate-control value carries over (the CRF ranges of the hardware H.264/HEVC
   * encoders cover the software ones'). Specs that name an encoder are returned unchanged.
   */
  public JobSpec forNode(java.util.Set<Encoder> working) {
    if (!video.encoderAuto() || video.preset() != null && !video.preset().equals(video.encoder().defaultPreset())) {
      return this;
    }
    for (Encoder.Hardware hw : AUTO_ORDER) {
      for (Encoder e : Encoder.values()) {
        if (e.hardware() == hw && e.codec() == video.codec() && working.contains(e)
          && (video.crf() == null || video.crf() >= e.crfMin() && video.crf() <= e.crfMax())) {
          Video v = new Video(video.codec(), e, true, e.defaultPreset(), video.rateControl(), video.crf(),
            video.bitrateKbps(), video.maxBitrateKbps(), video.resolution(), video.fps(), video.gop(), video.threads());
          return new JobSpec(name, scenario, input, output, v, engine, queue, priority, measure, timeoutS, requirements);
        }
      }
    }
    return this;
  }

  /**
   * {@code settleMaxS} > 0: before the encode, wait (at most that long) until the node's power is within
   * {@code settleWithin} of its idle baseline, so the heat of the previous job does not count against this one.
   * {@code exclusive} (the default): the job has its node to itself, so its energy needs no attribution; a job that
   * allows sharing may run beside others and gets its share of the node's energy by CPU time.
   */
  public record Measure(int intervalMs, List<QualityMetric> quality, double settleMaxS, double settleWithin,
                        boolean exclusive) {
  }

  public static final double MAX_DURATION_S = 6 * 3600;

  /** Validates a spec from a user or another process: the schema first (every field named), then the rules below. */
  public static JobSpec fromJson(JsonObject json) {
    SchemaCheck.JOB_SPEC.check(json);
    return parse(json);
  }

  /**
   * A spec this project stored itself ({@link #toJson()}'s canonical form, validated when it was accepted): the same
   * typed parse without the schema pass, which a master would otherwise repeat on every claim.
   */
  public static JobSpec fromStored(JsonObject json) {
    return parse(json);
  }

  private static JobSpec parse(JsonObject json) {
    Scenario scenario = json.getString("scenario") == null ? null : Scenario.parse("scenario", json.getString("scenario"));

    JsonObject v = json.getJsonObject("video", new JsonObject());
    Codec codec = v.getString("codec") != null ? Codec.parse("video.codec", v.getString("codec"))
      : scenario != null ? scenario.codec() : null;
    String encoderName = v.getString("encoder", "auto");
    Encoder encoder;
    boolean auto = "auto".equals(encoderName);
    if (auto) {
      encoder = Encoder.byName((codec == null ? Codec.H264 : codec).defaultEncoder()).orElseThrow();
    } else {
      encoder = Encoder.byName(encoderName).orElseThrow(() -> new SpecException("video.encoder",
        "'" + encoderName + "' is not an encoder ffrtmp drives; accepted: " + Encoder.accepted()));
    }
    if (codec == null) {
      codec = encoder.codec();
    } else if (codec != encoder.codec()) {
      throw new SpecException("video.encoder", encoder.ffmpegName() + " encodes " + encoder.codec().id()
        + ", not " + codec.id() + "; accepted for " + codec.id() + ": " + String.join(", ", Encoder.byCodec().get(codec))
        + ", auto");
    }

    Resolution resolution = v.getString("resolution") != null ? Resolution.parse("video.resolution", v.getString("resolution"))
      : scenario != null ? scenario.resolution() : new Resolution(1280, 720);
    double fps = v.getValue("fps") != null ? Fps.check("video.fps", v.getDouble("fps"))
      : scenario != null ? scenario.fps() : 30;

    String preset = presetOf(v, encoder);
    RateControl rc = RateControl.valueOf(v.getString("rate_control", "crf").toUpperCase(Locale.ROOT));
    Integer crf = null;
    Integer bitrate = null;
    Integer maxBitrate = null;
    if (rc == RateControl.CRF) {
      crf = v.getInteger("crf", encoder.defaultCrf());
      if (crf < encoder.crfMin() || crf > encoder.crfMax()) {
        throw new SpecException("video.crf", crf + " is out of range for " + encoder.ffmpegName() + "; accepted: "
          + encoder.crfMin() + " to " + encoder.crfMax());
      }
      if (v.getValue("bitrate") != null || v.getValue("max_bitrate") != null) {
        throw new SpecException("video.bitrate", "not used with rate_control crf; set rate_control to cbr or vbr, or drop it");
      }
    } else {
      if (v.getValue("crf") != null) {
        throw new SpecException("video.crf", "only used with rate_control crf; accepted here: bitrate");
      }
      if (v.getValue("bitrate") == null) {
        throw new SpecException("video.bitrate", "required with rate_control " + rc.name().toLowerCase(Locale.ROOT)
          + "; accepted: " + Bitrate.ACCEPTED);
      }
      bitrate = Bitrate.parseKbps("video.bitrate", v.getValue("bitrate"));
      if (v.getValue("max_bitrate") != null) {
        if (rc == RateControl.CBR) {
          throw new SpecException("video.max_bitrate", "not used with rate_control cbr (max = target); accepted with vbr");
        }
        maxBitrate = Bitrate.parseKbps("video.max_bitrate", v.getValue("max_bitrate"));
        if (maxBitrate < bitrate) {
          throw new SpecException("video.max_bitrate", maxBitrate + " kbit/s is below the target bitrate " + bitrate
            + " kbit/s; accepted: at least the target");
        }
      }
    }
    int gop = v.getInteger("gop", (int) Math.round(2 * fps));
    if (gop < 1 || gop > 1000) {
      throw new SpecException("video.gop", gop + " is out of range; accepted: 1 to 1000 frames");
    }
    int threads = v.getInteger("threads", 0);
    if (threads < 0 || threads > 256) {
      throw new SpecException("video.threads", threads + " is out of range; accepted: 0 (encoder decides) to 256");
    }
    Video video = new Video(codec, encoder, auto, preset, rc, crf, bitrate, maxBitrate, resolution, fps, gop, threads);

    JsonObject in = json.getJsonObject("input", new JsonObject());
    if ("file".equals(in.getString("type"))) {
      return new JobSpec(json.getString("name"), scenario == null ? null : scenario.name(), fileInput(in), outputOf(json),
        video, json.getString("engine", "ffmpeg"), queueOf(json), priorityOf(json), measureOf(json),
        timeoutOf(json, in.getValue("duration_s") == null ? 600 : in.getDouble("duration_s")), Requirements.of(json));
    }
    for (String f : List.of("path")) {
      if (in.containsKey(f)) {
        throw new SpecException("input." + f, "only for input type file; accepted here: pattern, duration_s, resolution, fps");
      }
    }
    double durationS = in.getValue("duration_s") == null ? 10 : in.getDouble("duration_s");
    if (!(durationS > 0 && durationS <= MAX_DURATION_S)) {
      throw new SpecException("input.duration_s", in.getValue("duration_s") + " is out of range; accepted: more than 0 and at most "
        + (int) MAX_DURATION_S + " seconds");
    }
    Resolution inRes = in.getString("resolution") == null ? resolution : Resolution.parse("input.resolution", in.getString("resolution"));
    double inFps = in.getValue("fps") == null ? fps : Fps.check("input.fps", in.getDouble("fps"));
    if (Math.round(durationS * inFps) < 1) {
      throw new SpecException("input.duration_s", "shorter than one frame at " + Fps.format(inFps) + " fps; accepted: at least 1/fps seconds");
    }
    Input input = new Input("synthetic", in.getString("pattern", "testsrc2"), durationS, inRes, inFps);
    return new JobSpec(json.getString("name"), scenario == null ? null : scenario.name(), input, outputOf(json), video,
      json.getString("engine", "ffmpeg"), queueOf(json), priorityOf(json), measureOf(json), timeoutOf(json, durationS),
      Requirements.of(json));
  }

  /** What {@code input.path} may be: relative, inside a media root once resolved there, no way out by name. */
  public static final String PATH_ACCEPTED = "a path relative to a media root (e.g. clips/talk-1080p.mp4): "
    + "not absolute, no '..', no control characters";

  private static Input fileInput(JsonObject in) {
    String path = in.getString("path");
    if (path == null) {
      throw new SpecException("input.path", "required for input type file; accepted: " + PATH_ACCEPTED);
    }
    if (path.startsWith("/") || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
      || java.util.Arrays.asList(path.split("/")).contains("..") || path.isBlank()) {
      throw new SpecException("input.path", "'" + path.replaceAll("\\p{Cntrl}", "?") + "' is not accepted; accepted: "
        + PATH_ACCEPTED);
    }
    for (String f : List.of("pattern", "resolution", "fps")) {
      if (in.containsKey(f)) {
        throw new SpecException("input." + f, "not used with input type file (taken from the file); accepted: path, duration_s");
      }
    }
    double durationS = in.getValue("duration_s") == null ? 0 : in.getDouble("duration_s");
    if (!(durationS >= 0 && durationS <= MAX_DURATION_S)) {
      throw new SpecException("input.duration_s", in.getValue("duration_s") + " is out of range; accepted: 0 (the whole file) "
        + "to " + (int) MAX_DURATION_S + " seconds");
    }
    return new Input("file", null, durationS, null, 0, path);
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

  private static Measure measureOf(JsonObject json) {
    JsonObject m = json.getJsonObject("measure", new JsonObject());
    int intervalMs = m.getInteger("interval_ms", 1000);
    if (intervalMs < 50 || intervalMs > 60_000) {
      throw new SpecException("measure.interval_ms", intervalMs + " is out of range; accepted: 50 to 60000 ms");
    }
    double settleMaxS = m.getValue("settle_max_s") == null ? 0 : m.getDouble("settle_max_s");
    if (!(settleMaxS >= 0 && settleMaxS <= 600)) {
      throw new SpecException("measure.settle_max_s", m.getValue("settle_max_s") + " is out of range; accepted: 0 (off) to 600 seconds");
    }
    double settleWithin = m.getValue("settle_within") == null ? 0.10 : m.getDouble("settle_within");
    if (!(settleWithin >= 0.01 && settleWithin <= 1)) {
      throw new SpecException("measure.settle_within", m.getValue("settle_within") + " is out of range; accepted: 0.01 to 1 "
        + "(a fraction of the idle power)");
    }
    JsonArray q = m.getJsonArray("quality", new JsonArray().add("psnr").add("ssim"));
    List<QualityMetric> quality = q.stream().map(o -> QualityMetric.valueOf(o.toString().toUpperCase(Locale.ROOT))).toList();

    return new Measure(intervalMs, quality, settleMaxS, settleWithin, m.getBoolean("exclusive", true));
  }

  private static int timeoutOf(JsonObject json, double durationS) {
    int defaultTimeout = (int) Math.max(300, Math.ceil(60 * durationS));
    int timeoutS = json.getInteger("timeout_s", defaultTimeout);
    if (timeoutS < 1 || timeoutS > 7 * 24 * 3600) {
      throw new SpecException("timeout_s", timeoutS + " is out of range; accepted: 1 to 604800 seconds");
    }
    return timeoutS;
  }

  private static String presetOf(JsonObject v, Encoder encoder) {
    Object raw = v.getValue("preset");
    if (raw == null) {
      return encoder.defaultPreset();
    }
    String preset = raw.toString().trim().toLowerCase(Locale.ROOT);
    if (encoder.presets().isEmpty()) {
      throw new SpecException("video.preset", encoder.ffmpegName() + " takes no preset; leave it out");
    }
    if (!encoder.presets().contains(preset)) {
      throw new SpecException("video.preset", "'" + raw + "' is not a " + encoder.ffmpegName() + " preset; accepted: "
        + String.join(", ", encoder.presets()));
    }
    return preset;
  }

  /** The canonical, fully expanded form: what is stored, sent to workers and written into results. */
  public JsonObject toJson() {
    JsonObject videoJson = new JsonObject()
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
    JsonObject out = new JsonObject();
    if (name != null) {
      out.put("name", name);
    }
    if (scenario != null) {
      out.put("scenario", scenario);
    }
    return out
      .put("input", input.isFile()
        ? new JsonObject().put("type", "file").put("path", input.path()).put("duration_s", input.durationS())
        : new JsonObject().put("type", input.type()).put("pattern", input.pattern())
          .put("duration_s", input.durationS()).put("resolution", input.resolution().toString()).put("fps", input.fps()))
      .put("output", new JsonObject().put("type", output.type()))
      .put("video", videoJson)
      .put("engine", engine)
      .put("queue", queue.id())
      .put("priority", priority.id())
      .put("measure", new JsonObject().put("interval_ms", measure.intervalMs())
        .put("settle_max_s", measure.settleMaxS()).put("settle_within", measure.settleWithin())
        .put("exclusive", measure.exclusive())
        .put("quality", new JsonArray(measure.quality().stream().map(x -> x.name().toLowerCase(Locale.ROOT)).toList())))
      .put("timeout_s", timeoutS)
      .put("requirements", requirements.toJson());
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
      .put("threads", video.threads());
  }

  /** A short, stable label such as {@code libx264 veryfast crf23 1280x720p30}. */
  public String configKey() {
    if (video.encoderAuto()) {
      // The encoder is the node's choice: the key names the codec, and the result's config names what ran.
      StringBuilder sb = new StringBuilder("auto-").append(video.codec().id());
      if (video.preset() != null && !video.preset().equals(video.encoder().defaultPreset())) {
        sb.append(' ').append(video.preset()); // a named software preset keeps the software encoder
      }
      appendRateAndSize(sb);
      return sb.toString();
    }
    StringBuilder sb = new StringBuilder(video.encoder().ffmpegName());
    if (video.preset() != null) {
      sb.append(' ').append(Character.isDigit(video.preset().charAt(0)) ? "p" + video.preset() : video.preset());
    }
    appendRateAndSize(sb);
    return sb.toString();
  }

  private void appendRateAndSize(StringBuilder sb) {
    switch (video.rateControl()) {
      case CRF -> sb.append(" crf").append(video.crf());
      case CBR -> sb.append(" cbr").append(video.bitrateKbps()).append('k');
      case VBR -> sb.append(" vbr").append(video.bitrateKbps()).append('k');
      default -> throw new IllegalStateException();
    }
    sb.append(' ').append(video.resolution()).append('p').append(Fps.format(video.fps()));
    if (video.threads() > 0) {
      sb.append(" t").append(video.threads());
    }
  }
}
