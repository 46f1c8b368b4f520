package io.ffrtmp.worker.engine;

import io.ffrtmp.job.Codec;
import io.ffrtmp.job.Encoder;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.Resolution;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@code gst-launch-1.0} argument lists from validated specs: the same job as {@link
 * FfmpegCommand} through GStreamer elements. Each element, each {@code property=value} and each
 * {@code !} is an argument of its own (gst-launch escapes every argument, so a value cannot end an
 * element), no shell is involved, and every value is a number, an enum name from a fixed table or a
 * checked path: nothing from a user becomes pipeline text. Bitrates mean what they mean in the
 * spec: x264enc, x265enc and av1enc take kbit/s, vp9enc bit/s. What GStreamer cannot express is an
 * {@link Unsupported} with a reason code, never a silently different encode.
 */
public final class GstCommand {

  /** Why a spec cannot run through GStreamer: the code goes into the failed job's result. */
  public static final class Unsupported extends RuntimeException {
    private final String code;

    Unsupported(String code, String message) {
      super(code + ": " + message);
      this.code = code;
    }

    /** {@code engine_lacks_encoder} or {@code engine_lacks_option}. */
    public String code() {
      return code;
    }
  }

  public static final String LACKS_ENCODER = "engine_lacks_encoder";
  public static final String LACKS_OPTION = "engine_lacks_option";

  /** The identity element whose per-buffer messages {@link GstProgressParser} counts. */
  static final String PROGRESS_ELEMENT = "ffrtmp-progress";

  /** The videorate element whose duplicate/drop counters {@link GstProgressParser} reads. */
  static final String RATE_ELEMENT = "ffrtmp-rate";

  /** The lavfi patterns of the spec and the videotestsrc pattern that stands in for each. */
  public static final Map<String, String> PATTERNS =
      Map.of(
          "testsrc2", "ball",
          "testsrc", "smpte",
          "smptehdbars", "smpte-rp-219",
          "mandelbrot", "zone-plate",
          "life", "gamut",
          "rgbtestsrc", "colors");

  /** Every element a pipeline of ffrtmp may use; {@link GstInfo} probes for these. */
  public static final List<String> ELEMENTS =
      List.of(
          "videotestsrc",
          "filesrc",
          "decodebin",
          "videoconvert",
          "videoscale",
          "videorate",
          "identity",
          "x264enc",
          "h264parse",
          "x265enc",
          "h265parse",
          "vp9enc",
          "av1enc",
          "av1parse",
          "matroskamux",
          "filesink",
          "avenc_ffv1",
          "clocksync",
          "tee",
          "queue",
          "flvmux",
          "mpegtsmux",
          "rtmp2src",
          "flvdemux",
          "tsdemux",
          "rtmp2sink",
          "srtsrc",
          "srtsink");

  /** x264enc's {@code quantizer} (the CRF in {@code pass=qual}) stops at 50, x264's CRF at 51. */
  static final int X264ENC_MAX_CRF = 50;

  /** x265enc's {@code bitrate} property stops at 100 Mbit/s. */
  static final int X265ENC_MAX_KBPS = 102_400;

  private GstCommand() {}

  /** The GStreamer element that plays the spec encoder's part, if ffrtmp drives one. */
  public static Optional<String> encoderElement(Encoder e) {
    return Optional.ofNullable(
        switch (e) {
          case LIBX264 -> "x264enc";
          case LIBX265 -> "x265enc";
          case LIBVPX_VP9 -> "vp9enc";
          case LIBAOM_AV1 -> "av1enc";
          default -> null;
        });
  }

  /**
   * The elements this spec's pipeline needs, so a worker can refuse it before anything runs; fails
   * with {@link Unsupported} when no element plays its encoder's part or an output's container
   * cannot carry its codec.
   */
  public static List<String> requiredElements(JobSpec spec) {
    if (spec.video().target() != null) {
      // The search's probes and scores go through FFmpeg's encode and quality commands.
      throw new Unsupported(
          LACKS_OPTION,
          "video.target: the quality-targeted search runs with engine ffmpeg only; accepted"
              + " with engine gstreamer: a crf or bitrate");
    }
    List<String> needed = new ArrayList<>();
    JobSpec.Input in = spec.input();
    switch (in.type()) {
      case "file" -> {
        needed.addAll(List.of("filesrc", "decodebin"));
        if (in.realtime()) {
          needed.add("clocksync");
        }
      }
      case "rtmp", "live_synthetic" -> needed.addAll(List.of("rtmp2src", "flvdemux", "decodebin"));
      case "srt" -> needed.addAll(List.of("srtsrc", "tsdemux", "decodebin"));
      default ->
          needed.addAll(
              NaturalPattern.is(in) ? List.of("filesrc", "decodebin") : List.of("videotestsrc"));
    }
    needed.addAll(List.of("videoconvert", "videoscale", "videorate", "identity"));
    if (spec.isLadder()) {
      needed.addAll(List.of("tee", "queue"));
      for (JobSpec.Rendition r : spec.renditions()) {
        encoderElements(r.video(), r.output(), "rendition " + r.name(), needed);
      }
    } else {
      encoderElements(spec.video(), spec.output(), "output", needed);
    }
    return needed.stream().distinct().toList();
  }

  private static void encoderElements(
      JobSpec.Video v, JobSpec.Output out, String where, List<String> needed) {
    String enc = encoderElementOrFail(v.encoder());
    needed.add(enc);
    parserOf(enc).ifPresent(needed::add);
    needed.addAll(outputElements(out, v, where));
  }

  /**
   * The muxer and sink of an output: Matroska to a file (a {@code null} output too, deleted after
   * the job), FLV to {@code rtmp2sink}, MPEG-TS to {@code srtsink}. flvmux carries H.264 only and
   * GStreamer 1.22's mpegtsmux H.264 and H.265: another codec on a stream is {@link Unsupported}.
   */
  static List<String> outputElements(JobSpec.Output out, JobSpec.Video v, String where) {
    Codec codec = v.codec();
    return switch (out.type()) {
      case "rtmp" -> {
        if (codec != Codec.H264) {
          throw new Unsupported(
              LACKS_OPTION,
              where
                  + ": GStreamer's flvmux carries H.264 only, not "
                  + codec.id()
                  + "; accepted for an rtmp output through GStreamer: codec h264");
        }
        yield List.of("flvmux", "rtmp2sink");
      }
      case "srt" -> {
        if (codec != Codec.H264 && codec != Codec.HEVC) {
          throw new Unsupported(
              LACKS_OPTION,
              where
                  + ": GStreamer's mpegtsmux carries H.264 and H.265, not "
                  + codec.id()
                  + "; accepted for an srt output through GStreamer: codec h264 or hevc");
        }
        yield List.of("mpegtsmux", "srtsink");
      }
      default -> List.of("matroskamux", "filesink");
    };
  }

  /**
   * The encode: the source, re-timed and scaled to the spec's size and rate, the encoder, the
   * progress probe, then the output ({@link #output}); a ladder splits the decoded frames with a
   * {@code tee} into one branch per rendition ({@link #ladder}). {@code -e}: an interrupt ends the
   * stream cleanly; {@code -v}: the probes' per-frame messages reach stdout.
   */
  public static List<String> encode(String launch, JobSpec spec, SourceInfo source, Path output) {
    requiredElements(spec); // the same refusals as the worker's check, before anything is built
    if (spec.isLadder()) {
      return ladder(launch, spec, source, output);
    }
    JobSpec.Video v = spec.video();
    Pipeline p = new Pipeline(launch, "-e", "-v");
    source(p, spec, source);
    rate(p);
    p.element("videoconvert");
    p.element("videoscale");
    p.element(rawCaps(v.resolution(), v.fps()));
    streamLength(p, spec, source, v.fps());
    encoder(p, v, PROGRESS_ELEMENT);
    output(p, spec.output(), output);
    return p.argv();
  }

  /** The tee that splits a ladder's frames. */
  static final String SPLIT_ELEMENT = "ffrtmp-split";

  /**
   * An ABR ladder in one process: the source decoded and re-timed once (to the highest rung rate),
   * split by a {@code tee}; each branch a {@code queue} (its own thread), its own rate where it
   * differs, scale, encoder, a progress probe named for its rung ({@value #PROGRESS_ELEMENT} for
   * the first, {@value #PROGRESS_ELEMENT}-N for rung N) and its output.
   */
  static List<String> ladder(String launch, JobSpec spec, SourceInfo source, Path output) {
    double top = spec.renditions().stream().mapToDouble(r -> r.video().fps()).max().orElseThrow();
    Pipeline p = new Pipeline(launch, "-e", "-v");
    source(p, spec, source);
    rate(p);
    p.element("videoconvert");
    p.element("video/x-raw,format=I420,framerate=" + fraction(top));
    streamLength(p, spec, source, top);
    p.element("tee", "name=" + SPLIT_ELEMENT);
    for (int i = 0; i < spec.renditions().size(); i++) {
      JobSpec.Rendition r = spec.renditions().get(i);
      p.branch(SPLIT_ELEMENT + ".");
      p.element("queue");
      if (r.video().fps() != top) {
        p.element("videorate");
      }
      p.element("videoscale");
      p.element(rawCaps(r.video().resolution(), r.video().fps()));
      encoder(p, r.video(), progressElement(i));
      output(p, r.output(), FfmpegCommand.renditionFile(output, r.name()));
    }
    return p.argv();
  }

  /**
   * The rate converter whose duplicate/drop counters are reported like FFmpeg's dup/drop. {@code
   * skip-to-first}: a stream joined mid-way starts at a later timestamp, and videorate would
   * otherwise fill the time before it with copies of the first frame (seconds of them, at once).
   */
  private static void rate(Pipeline p) {
    p.element("videorate", "name=" + RATE_ELEMENT, "silent=false", "skip-to-first=true");
  }

  /** The progress probe of rung {@code i}: the first rung's is the job's own. */
  static String progressElement(int i) {
    return i == 0 ? PROGRESS_ELEMENT : PROGRESS_ELEMENT + "-" + i;
  }

  private static void encoder(Pipeline p, JobSpec.Video v, String probe) {
    String enc = encoderElementOrFail(v.encoder());
    List<String> encoder = new ArrayList<>(List.of(enc));
    encoder.addAll(encoderProperties(v));
    p.element(encoder.toArray(String[]::new));
    parserOf(enc).ifPresent(p::element);
    p.element("identity", "name=" + probe, "silent=false");
  }

  /**
   * A stream input runs for the input's duration: as many frames at the output rate, then end of
   * stream (FFmpeg's {@code -t} on a live input).
   */
  private static void streamLength(Pipeline p, JobSpec spec, SourceInfo source, double fps) {
    if (source.url() != null) {
      long frames = Math.max(1, Math.round(spec.input().durationS() * fps));
      p.element("identity", "eos-after=" + frames);
    }
  }

  /**
   * The quality pass's reference for a synthetic source: the same videotestsrc frames, rendered
   * again losslessly (FFV1 in Matroska) so FFmpeg can score the encode against exactly what was
   * encoded. Runs outside the job's energy window.
   */
  public static List<String> reference(String launch, JobSpec.Input in, Path file) {
    Pipeline p = new Pipeline(launch, "-e");
    synthetic(p, in, false);
    p.element("avenc_ffv1");
    p.element("matroskamux");
    p.element("filesink", "location=" + checkedPath(file));
    return p.argv();
  }

  /**
   * Where a stream goes: Matroska to a file (what {@link FfmpegCommand} writes, whatever the
   * codec), FLV to an RTMP server ({@code streamable}: no seeking back for the header), MPEG-TS to
   * an SRT listener (the job is the caller, as FFmpeg's {@code srt://} output).
   */
  static void output(Pipeline p, JobSpec.Output out, Path file) {
    switch (out.type()) {
      case "rtmp" -> {
        p.element("flvmux", "streamable=true");
        p.element("rtmp2sink", "location=" + checkedUrl(out.url()));
      }
      case "srt" -> {
        p.element("mpegtsmux");
        p.element("srtsink", "uri=" + checkedUrl(out.url()));
      }
      default -> {
        p.element("matroskamux");
        p.element("filesink", "location=" + checkedPath(file));
      }
    }
  }

  private static void source(Pipeline p, JobSpec spec, SourceInfo source) {
    JobSpec.Input in = spec.input();
    if (source.url() != null) {
      // An RTMP input or the synthetic camera through rtmp2src, SRT through srtsrc (as caller).
      // The demuxer is named rather than found by decodebin: the duration's "identity eos-after"
      // ends the stream by returning EOS upstream, and the multiqueue decodebin puts after a
      // demuxer of its own swallows that, so the pipeline would never end.
      if ("srt".equals(in.type())) {
        p.element("srtsrc", "uri=" + checkedUrl(source.url()));
        p.element("tsdemux");
      } else {
        p.element("rtmp2src", "location=" + checkedUrl(source.url()));
        p.element("flvdemux");
      }
      p.element("decodebin");
      return;
    }
    if (!in.isFile() && source.file() == null) {
      synthetic(p, in, spec.queue() == JobSpec.Queue.LIVE);
      return;
    }
    if (!in.isFile()) {
      // A pattern pre-rendered by the worker (raw frames in Matroska): read like FFmpeg reads it.
      p.element("filesrc", "location=" + checkedPath(source.file()));
      p.element("decodebin");
      return;
    }
    if (source.file() == null) {
      throw new IllegalArgumentException("a file input needs its resolved file");
    }
    p.element("filesrc", "location=" + checkedPath(source.file()));
    p.element("decodebin");
    if (in.durationS() > 0) {
      // FFmpeg's "-t" on the input: as many source frames as that lasts, then end of stream.
      long frames = Math.max(1, Math.round(in.durationS() * source.fps()));
      p.element("identity", "eos-after=" + frames);
    }
    if (in.realtime()) {
      // FFmpeg's -re: each decoded frame waits for its time on the pipeline clock.
      p.element("clocksync");
    }
  }

  private static void synthetic(Pipeline p, JobSpec.Input in, boolean live) {
    String pattern = PATTERNS.get(in.pattern());
    if (pattern == null) {
      throw new Unsupported(LACKS_OPTION, "no videotestsrc pattern for '" + in.pattern() + "'");
    }
    List<String> src =
        new ArrayList<>(
            List.of("videotestsrc", "pattern=" + pattern, "num-buffers=" + in.frames()));
    if (live) {
      src.add("is-live=true"); // frames at the clock's pace, as a camera delivers them
    }
    p.element(src.toArray(String[]::new));
    p.element(rawCaps(in.resolution(), in.fps()));
  }

  /** Raw I420 caps of this size and rate (the spec's yuv420p). */
  static String rawCaps(Resolution r, double fps) {
    return "video/x-raw,format=I420,width="
        + r.width()
        + ",height="
        + r.height()
        + ",pixel-aspect-ratio=1/1,framerate="
        + fraction(fps);
  }

  /** The properties that carry the spec's preset, rate control, GOP and threads. */
  static List<String> encoderProperties(JobSpec.Video v) {
    List<String> a = new ArrayList<>();
    Integer kbps = v.bitrateKbps();
    int maxKbps = v.maxBitrateKbps() != null ? v.maxBitrateKbps() : kbps == null ? 0 : kbps;
    switch (v.encoder()) {
      case LIBX264 -> {
        a.add("speed-preset=" + v.preset());
        switch (v.rateControl()) {
          case CRF -> {
            if (v.crf() > X264ENC_MAX_CRF) {
              throw new Unsupported(
                  LACKS_OPTION,
                  "x264enc accepts a CRF of 0 to " + X264ENC_MAX_CRF + ", not " + v.crf());
            }
            // pass=qual is x264's CRF; x264enc would also cap it at "bitrate" (2048 kbit/s by
            // default) through the VBV unless the buffer is 0, which FFmpeg's -crf never does.
            a.addAll(List.of("pass=qual", "quantizer=" + v.crf(), "vbv-buf-capacity=0"));
          }
          case CBR, VBR -> {
            if (maxKbps != kbps) {
              throw new Unsupported(
                  LACKS_OPTION,
                  "x264enc ties its VBV maximum to bitrate: max_bitrate above bitrate cannot be"
                      + " expressed");
            }
            // FFmpeg's -bufsize is twice the rate: 2000 ms of it.
            a.addAll(List.of("pass=cbr", "bitrate=" + kbps, "vbv-buf-capacity=2000"));
          }
          default -> throw new IllegalStateException();
        }
        a.add("key-int-max=" + v.gop());
        if (v.threads() > 0) {
          a.add("threads=" + v.threads());
        }
      }
      case LIBX265 -> {
        // x265enc's default tune is ssim; FFmpeg's libx265 tunes for nothing: 0 is "no tuning".
        a.addAll(List.of("speed-preset=" + v.preset(), "tune=0", "log-level=error"));
        switch (v.rateControl()) {
          case CRF -> a.add("option-string=crf=" + v.crf());
          case CBR, VBR -> {
            if (maxKbps > X265ENC_MAX_KBPS) {
              throw new Unsupported(
                  LACKS_OPTION, "x265enc's bitrate stops at " + X265ENC_MAX_KBPS + " kbit/s");
            }
            a.add("bitrate=" + kbps);
            a.add("option-string=vbv-maxrate=" + maxKbps + ":vbv-bufsize=" + (2 * maxKbps));
          }
          default -> throw new IllegalStateException();
        }
        a.add("key-int-max=" + v.gop());
      }
      case LIBVPX_VP9 -> {
        // FFmpeg's -deadline good is libvpx's 1 s budget per frame; -row-mt 1 as FFmpeg's command.
        a.addAll(List.of("deadline=1000000", "cpu-used=" + v.preset(), "row-mt=true"));
        switch (v.rateControl()) {
          // vp9enc has no constant-quality end-usage (libvpx's VPX_Q, which FFmpeg's -crf with
          // -b:v 0 selects): a fixed quantizer on the same 0-63 scale stands in.
          case CRF ->
              a.addAll(
                  List.of("end-usage=vbr", "min-quantizer=" + v.crf(), "max-quantizer=" + v.crf()));
          case CBR -> a.addAll(List.of("end-usage=cbr", "target-bitrate=" + bitsPerSecond(kbps)));
          case VBR -> a.addAll(List.of("end-usage=vbr", "target-bitrate=" + bitsPerSecond(kbps)));
          default -> throw new IllegalStateException();
        }
        a.add("keyframe-max-dist=" + v.gop());
        // FFmpeg gives libvpx one thread per CPU (at most 16) unless told; vp9enc's default is 8.
        int threads =
            v.threads() > 0
                ? v.threads()
                : Math.min(16, Runtime.getRuntime().availableProcessors());
        a.add("threads=" + threads);
      }
      case LIBAOM_AV1 -> {
        a.addAll(List.of("cpu-used=" + v.preset(), "row-mt=true"));
        switch (v.rateControl()) {
          // av1enc (1.22) has no cq-level: constant quality at a fixed quantizer, same scale.
          case CRF ->
              a.addAll(
                  List.of("end-usage=q", "min-quantizer=" + v.crf(), "max-quantizer=" + v.crf()));
          case CBR -> a.addAll(List.of("end-usage=cbr", "target-bitrate=" + kbps));
          case VBR -> a.addAll(List.of("end-usage=vbr", "target-bitrate=" + kbps));
          default -> throw new IllegalStateException();
        }
        a.add("keyframe-max-dist=" + v.gop());
        if (v.threads() > 0) {
          a.add("threads=" + v.threads());
        }
      }
      default -> throw lacks(v.encoder());
    }
    return a;
  }

  /** vp9enc's target-bitrate is in bit/s: 5000 kbit/s is 5000000. */
  static long bitsPerSecond(int kbps) {
    return kbps * 1000L;
  }

  /** 30 → "30/1", 29.97 → "2997/100", 23.976 → "2997/125": what the caps' framerate takes. */
  static String fraction(double fps) {
    BigDecimal d = BigDecimal.valueOf(fps).stripTrailingZeros();
    BigInteger num = d.unscaledValue();
    BigInteger den = BigInteger.ONE;
    if (d.scale() > 0) {
      den = BigInteger.TEN.pow(d.scale());
    } else if (d.scale() < 0) {
      num = num.multiply(BigInteger.TEN.pow(-d.scale()));
    }
    BigInteger g = num.gcd(den);
    return num.divide(g) + "/" + den.divide(g);
  }

  private static String encoderElementOrFail(Encoder e) {
    return encoderElement(e).orElseThrow(() -> lacks(e));
  }

  private static Unsupported lacks(Encoder e) {
    return new Unsupported(
        LACKS_ENCODER,
        "the GStreamer engine has no element for "
            + e.ffmpegName()
            + " (it drives x264enc for libx264, x265enc for libx265, vp9enc for libvpx-vp9 and"
            + " av1enc for libaom-av1); run it with engine ffmpeg");
  }

  private static Optional<String> parserOf(String encoder) {
    return Optional.ofNullable(
        switch (encoder) {
          case "x264enc" -> "h264parse";
          case "x265enc" -> "h265parse";
          case "av1enc" -> "av1parse";
          default -> null;
        });
  }

  /**
   * A path as a property value: absolute (ffrtmp's own work directory or a media root), without the
   * characters gst-launch's parser would read as quoting or escapes.
   */
  static String checkedPath(Path path) {
    String s = path.toAbsolutePath().toString();
    if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '\\')) {
      throw new Unsupported(
          LACKS_OPTION,
          "the path "
              + s.replaceAll("[\\p{Cntrl}\"'\\\\]", "?")
              + " has quotes, backslashes or control characters, which a GStreamer pipeline"
              + " cannot carry safely");
    }
    return s;
  }

  /**
   * A stream URL as a property value: the spec parser admits only {@code
   * rtmp://HOST[:PORT]/APP/NAME} and {@code srt://HOST:PORT} with names of letters, digits, dots,
   * dashes and underscores; checked again here so that nothing else can reach a pipeline.
   */
  static String checkedUrl(java.net.URI url) {
    String s = url.toString();
    if (!s.matches("(rtmp|srt)://[A-Za-z0-9.:\\[\\]_/-]+")) {
      throw new Unsupported(LACKS_OPTION, "the URL " + s + " cannot be carried in a pipeline");
    }
    return s;
  }

  /** Elements joined by {@code !}, each token its own argument. */
  static final class Pipeline {
    private final List<String> argv = new ArrayList<>();
    private boolean first = true;

    Pipeline(String... head) {
      argv.addAll(List.of(head));
    }

    void element(String... tokens) {
      if (!first) {
        argv.add("!");
      }
      first = false;
      argv.addAll(List.of(tokens));
    }

    /** Starts a branch from a named element's pad ({@code tee.}): no {@code !} before it. */
    void branch(String padRef) {
      argv.add(padRef);
    }

    List<String> argv() {
      return List.copyOf(argv);
    }
  }
}
