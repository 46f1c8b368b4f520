package io.ffrtmp.worker.engine;

import io.ffrtmp.job.Encoder;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.Resolution;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds FFmpeg argument lists from validated specs. Every value comes from a typed, range-checked
 * field; nothing from a user is passed through as an argument of its own, and no shell is involved.
 */
public final class FfmpegCommand {

  /** The VAAPI render node used when a spec asks for a VAAPI encoder. */
  static final String VAAPI_DEVICE = "/dev/dri/renderD128";

  /**
   * The VMAF model every score is computed with (built into libvmaf 2.x; recorded with each score).
   */
  public static final String VMAF_MODEL = "vmaf_v0.6.1";

  private FfmpegCommand() {}

  /**
   * The encode: synthetic frames → encoder → Matroska file at {@code output} (kept for the quality
   * pass).
   */
  public static List<String> encode(String ffmpeg, JobSpec spec, Path output) {
    return encode(ffmpeg, spec, SourceInfo.synthetic(spec.input()), output);
  }

  /** The encode from a known source (a synthetic pattern, or a probed file inside a media root). */
  public static List<String> encode(String ffmpeg, JobSpec spec, SourceInfo source, Path output) {
    if (spec.isLadder()) {
      return ladder(ffmpeg, spec, source, output);
    }
    JobSpec.Video v = spec.video();
    List<String> cmd = head(ffmpeg, "info");
    cmd.addAll(hardwareDevice(List.of(v.encoder())));
    cmd.addAll(source.inputArgs());
    cmd.addAll(List.of("-vf", String.join(",", chain(v, source))));
    cmd.addAll(outputStream(v));
    cmd.addAll(outputArgs(spec.output(), output));
    return cmd;
  }

  /**
   * An ABR ladder in one process: the source decoded once, {@code split} into one chain per
   * rendition (scale, fps, format), each chain mapped to its own encoder and output. FFmpeg logs at
   * {@code verbose} so that it prints each output's frames and bytes when it ends (the progress
   * blocks count the first output only).
   */
  static List<String> ladder(String ffmpeg, JobSpec spec, SourceInfo source, Path output) {
    List<JobSpec.Rendition> rungs = spec.renditions();
    int n = rungs.size();
    List<String> cmd = head(ffmpeg, "verbose");
    cmd.addAll(hardwareDevice(rungs.stream().map(r -> r.video().encoder()).toList()));
    cmd.addAll(source.inputArgs());
    StringBuilder graph = new StringBuilder("[0:v]split=").append(n).append(labels("s", n));
    for (int i = 0; i < n; i++) {
      graph
          .append(";[s")
          .append(i)
          .append(']')
          .append(String.join(",", ladderChain(rungs.get(i).video(), source)))
          .append("[v")
          .append(i)
          .append(']');
    }
    cmd.addAll(List.of("-filter_complex", graph.toString()));
    for (int i = 0; i < n; i++) {
      JobSpec.Rendition r = rungs.get(i);
      cmd.addAll(List.of("-map", "[v" + i + "]"));
      cmd.addAll(outputStream(r.video()));
      cmd.addAll(outputArgs(r.output(), renditionFile(output, r.name())));
    }
    return cmd;
  }

  /** Where a rendition of a ladder is written beside the job's own encode file. */
  public static Path renditionFile(Path encoded, String rendition) {
    return encoded.resolveSibling("encoded-" + rendition + ".mkv");
  }

  private static List<String> head(String ffmpeg, String loglevel) {
    return new ArrayList<>(
        List.of(
            ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-nostats",
            "-loglevel",
            loglevel,
            "-benchmark",
            "-progress",
            "pipe:1",
            "-stats_period",
            "0.5",
            "-y"));
  }

  /** The device a QSV or VAAPI encoder uploads to (the first hardware family named wins). */
  private static List<String> hardwareDevice(List<Encoder> encoders) {
    for (Encoder e : encoders) {
      switch (e.hardware()) {
        case QSV -> {
          return List.of("-init_hw_device", "qsv=hw", "-filter_hw_device", "hw");
        }
        case VAAPI -> {
          return List.of("-vaapi_device", VAAPI_DEVICE);
        }
        default -> {}
      }
    }
    return List.of();
  }

  /**
   * Scale and pace where the source differs (or is unknown, as a live stream's is), then format.
   */
  private static List<String> chain(JobSpec.Video v, SourceInfo source) {
    List<String> filters = new ArrayList<>();
    // A live stream's size and rate are known only once it plays: always scale and pace it.
    boolean known = source.resolution() != null;
    if (!known || !source.resolution().equals(v.resolution())) {
      filters.add(scale(v.resolution()));
    }
    if (!known || source.fps() != v.fps()) {
      filters.add("fps=" + fmt(v.fps()));
    }
    filters.addAll(format(v.encoder()));
    return filters;
  }

  /** Every rung scales (each is its own size), then paces where the rate differs. */
  private static List<String> ladderChain(JobSpec.Video v, SourceInfo source) {
    List<String> filters = new ArrayList<>();
    filters.add(scale(v.resolution()));
    if (source.resolution() == null || source.fps() != v.fps()) {
      filters.add("fps=" + fmt(v.fps()));
    }
    filters.addAll(format(v.encoder()));
    return filters;
  }

  private static String scale(Resolution r) {
    return "scale=" + r.width() + ":" + r.height() + ":flags=bicubic";
  }

  private static List<String> format(Encoder e) {
    return switch (e.hardware()) {
      case QSV -> List.of("format=nv12", "hwupload=extra_hw_frames=64", "format=qsv");
      case VAAPI -> List.of("format=nv12", "hwupload");
      default -> List.of("format=yuv420p");
    };
  }

  /**
   * The encoder of one output stream, its rate control, keyframe interval and threads; no audio.
   */
  private static List<String> outputStream(JobSpec.Video v) {
    List<String> cmd = new ArrayList<>(List.of("-c:v", v.encoder().ffmpegName()));
    cmd.addAll(encoderArgs(v));
    cmd.addAll(List.of("-g", Integer.toString(v.gop())));
    if (v.threads() > 0) {
      cmd.addAll(List.of("-threads", Integer.toString(v.threads())));
    }
    cmd.add("-an");
    return cmd;
  }

  /** FLV to an RTMP URL, MPEG-TS to an SRT URL, else Matroska to the job's file. */
  static List<String> outputArgs(JobSpec.Output out, Path file) {
    return switch (out.type()) {
      case "rtmp" ->
          List.of("-flvflags", "no_duration_filesize", "-f", "flv", out.url().toString());
      case "srt" -> List.of("-f", "mpegts", out.url().toString());
      default -> List.of("-f", "matroska", file.toString());
    };
  }

  /**
   * The synthetic camera of a {@code live_synthetic} input: the pattern at realtime ({@code -re}),
   * H.264 with a one-second GOP, published as FLV to {@code url} for longer than the job reads it
   * (the worker stops it after the encode). Its progress on stdout tells when it is publishing.
   */
  public static List<String> camera(String ffmpeg, JobSpec.Input in, java.net.URI url) {
    String fps = fmt(in.fps());
    return List.of(
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "error",
        "-progress",
        "pipe:1",
        "-stats_period",
        "0.5",
        "-re",
        "-f",
        "lavfi",
        "-i",
        in.pattern() + "=size=" + in.resolution() + ":rate=" + fps,
        "-t",
        fmt(in.durationS() + CAMERA_MARGIN_S),
        "-vf",
        SEND_TIME_STAMP,
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-tune",
        "zerolatency",
        "-g",
        Long.toString(Math.max(1, Math.round(in.fps()))),
        "-pix_fmt",
        "yuv420p",
        "-an",
        "-flvflags",
        "no_duration_filesize",
        "-f",
        "flv",
        url.toString());
  }

  /** Cells of the send-time strip: a white marker, {@value #STAMP_BITS} bits, a black marker. */
  public static final int STAMP_CELLS = 26;

  /** Bits of the send time the strip carries: milliseconds modulo 2^24 (about 4.6 hours). */
  public static final int STAMP_BITS = 24;

  /**
   * The camera's send-time strip: each frame's wall-clock time as it leaves {@code -re} ({@code
   * RTCTIME}, in ms modulo 2^24) drawn as {@value #STAMP_CELLS} black/white cells across the top
   * 1/12 of the picture, MSB first between a white and a black marker; the timestamps are then put
   * back to frame-count pacing so that the FLV timestamps stay small.
   */
  static final String SEND_TIME_STAMP =
      "settb=1/1000,setpts=RTCTIME/(1000000*TB),split[m][s];"
          + "[s]crop=iw:trunc(ih/24)*2:0:0,geq=lum='st(0,floor(X*"
          + STAMP_CELLS
          + "/W));if(eq(ld(0),0),255,if(eq(ld(0),"
          + (STAMP_CELLS - 1)
          + "),0,255*mod(floor(mod(floor(T*1000),"
          + (1 << STAMP_BITS)
          + ")/pow(2,"
          + STAMP_BITS
          + "-ld(0))),2)))':cb=128:cr=128[b];"
          + "[m][b]overlay=0:0,setpts=N/(FRAME_RATE*TB)";

  /**
   * A reader that decodes {@code seconds} of a live output and prints, for each frame as it is
   * decoded, the camera's send-time strip as a one-row XBM image (text, one frame per {@code };}
   * line): the top half of the strip averaged into {@value #STAMP_CELLS} cells and thresholded.
   * Flushed per frame, so a line's arrival is the frame's arrival.
   */
  public static List<String> latencyReader(String ffmpeg, java.net.URI url, double seconds) {
    return List.of(
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "error",
        "-rw_timeout",
        SourceInfo.LIVE_RW_TIMEOUT_US,
        "-analyzeduration",
        "1000000",
        "-i",
        url.toString(),
        "-t",
        fmt(seconds),
        "-an",
        "-vf",
        "crop=iw:trunc(ih/48)*2:0:0,scale="
            + STAMP_CELLS
            + ":1:flags=area,format=gray,lut=c0='if(gt(val,127),255,0)'",
        "-f",
        "image2pipe",
        "-c:v",
        "xbm",
        "-flush_packets",
        "1",
        "pipe:1");
  }

  /** How much longer than the job the camera would run if nobody stopped it. */
  static final double CAMERA_MARGIN_S = 60;

  /**
   * A reader that pulls a live output back: {@code seconds} of it decoded by ffprobe, which prints
   * the codec, size and decoded frame count as JSON.
   */
  public static List<String> reader(String ffmpeg, java.net.URI url, double seconds) {
    return List.of(
        Ffprobe.binary(ffmpeg),
        "-v",
        "error",
        "-rw_timeout",
        SourceInfo.LIVE_RW_TIMEOUT_US,
        "-analyzeduration",
        "1000000",
        "-select_streams",
        "v:0",
        "-count_frames",
        "-read_intervals",
        "%+" + fmt(seconds),
        "-show_entries",
        "stream=codec_name,width,height,nb_read_frames",
        "-of",
        "json",
        url.toString());
  }

  static List<String> encoderArgs(JobSpec.Video v) {
    List<String> a = new ArrayList<>();
    String kbps = v.bitrateKbps() == null ? null : v.bitrateKbps() + "k";
    String maxKbps = v.maxBitrateKbps() == null ? kbps : v.maxBitrateKbps() + "k";
    String bufKbps =
        v.bitrateKbps() == null
            ? null
            : (2 * (v.maxBitrateKbps() == null ? v.bitrateKbps() : v.maxBitrateKbps())) + "k";
    switch (v.encoder()) {
      case LIBX264, LIBX265 -> {
        a.addAll(List.of("-preset", v.preset()));
        switch (v.rateControl()) {
          case CRF -> a.addAll(List.of("-crf", v.crf().toString()));
          case CBR ->
              a.addAll(
                  List.of("-b:v", kbps, "-minrate", kbps, "-maxrate", kbps, "-bufsize", bufKbps));
          case VBR -> a.addAll(List.of("-b:v", kbps, "-maxrate", maxKbps, "-bufsize", bufKbps));
          default -> throw new IllegalStateException();
        }
        if (v.encoder() == Encoder.LIBX265) {
          a.addAll(List.of("-x265-params", "log-level=error"));
        }
      }
      case LIBSVTAV1 -> {
        a.addAll(List.of("-preset", v.preset()));
        switch (v.rateControl()) {
          case CRF -> a.addAll(List.of("-crf", v.crf().toString()));
          // SVT-AV1 has no strict CBR for file encodes in this FFmpeg generation: a capped VBR
          // stands in (documented).
          case CBR, VBR ->
              a.addAll(List.of("-b:v", kbps, "-maxrate", maxKbps, "-bufsize", bufKbps));
          default -> throw new IllegalStateException();
        }
      }
      case LIBAOM_AV1, LIBVPX_VP9 -> {
        if (v.encoder() == Encoder.LIBVPX_VP9) {
          a.addAll(List.of("-deadline", "good"));
        }
        a.addAll(List.of("-cpu-used", v.preset(), "-row-mt", "1"));
        switch (v.rateControl()) {
          case CRF -> a.addAll(List.of("-crf", v.crf().toString(), "-b:v", "0"));
          case CBR -> a.addAll(List.of("-b:v", kbps, "-minrate", kbps, "-maxrate", kbps));
          case VBR -> a.addAll(List.of("-b:v", kbps, "-maxrate", maxKbps));
          default -> throw new IllegalStateException();
        }
      }
      case H264_NVENC, HEVC_NVENC -> {
        a.addAll(List.of("-preset", v.preset()));
        switch (v.rateControl()) {
          case CRF -> a.addAll(List.of("-rc", "vbr", "-cq", v.crf().toString(), "-b:v", "0"));
          case CBR -> a.addAll(List.of("-rc", "cbr", "-b:v", kbps));
          case VBR -> a.addAll(List.of("-rc", "vbr", "-b:v", kbps, "-maxrate", maxKbps));
          default -> throw new IllegalStateException();
        }
      }
      case H264_QSV, HEVC_QSV -> {
        a.addAll(List.of("-preset", v.preset()));
        switch (v.rateControl()) {
          case CRF -> a.addAll(List.of("-global_quality", v.crf().toString()));
          case CBR -> a.addAll(List.of("-b:v", kbps, "-maxrate", kbps));
          case VBR -> a.addAll(List.of("-b:v", kbps, "-maxrate", maxKbps));
          default -> throw new IllegalStateException();
        }
      }
      case H264_VAAPI, HEVC_VAAPI -> {
        switch (v.rateControl()) {
          case CRF -> a.addAll(List.of("-rc_mode", "CQP", "-qp", v.crf().toString()));
          case CBR -> a.addAll(List.of("-rc_mode", "CBR", "-b:v", kbps));
          case VBR -> a.addAll(List.of("-rc_mode", "VBR", "-b:v", kbps, "-maxrate", maxKbps));
          default -> throw new IllegalStateException();
        }
      }
      default -> throw new IllegalStateException("no arguments for " + v.encoder());
    }
    return a;
  }

  /**
   * The quality pass: the encoded file against the source it was made from (the same synthetic
   * frames, or the file), scaled to the source's size and rate, with per-frame stats files written
   * into the process's working directory (relative names keep paths out of the filter graph).
   * {@code vmafThreads} sets libvmaf's n_threads (it runs single-threaded unless told otherwise).
   */
  public static List<String> quality(
      String ffmpeg,
      SourceInfo source,
      Path encoded,
      List<JobSpec.QualityMetric> metrics,
      int vmafThreads) {
    return quality(ffmpeg, source, encoded, metrics, vmafThreads, "model=version=" + VMAF_MODEL);
  }

  /**
   * As above, with libvmaf's model options as the scorer needs them ({@link Scorer}: {@code
   * model=version=...} for libvmaf 2.x, {@code model_path=FILE} for 1.x builds, or none).
   */
  public static List<String> quality(
      String ffmpeg,
      SourceInfo source,
      Path encoded,
      List<JobSpec.QualityMetric> metrics,
      int vmafThreads,
      String vmafModelOptions) {
    Resolution ref = source.resolution();
    String dist =
        "[0:v]scale="
            + ref.width()
            + ":"
            + ref.height()
            + ":flags=bicubic,fps="
            + fmt(source.fps())
            + ",format=yuv420p,setpts=PTS-STARTPTS";
    String refChain = "[1:v]format=yuv420p,setpts=PTS-STARTPTS";
    StringBuilder graph = new StringBuilder();
    int n = metrics.size();
    if (n == 1) {
      graph.append(dist).append("[d0];").append(refChain).append("[r0];");
    } else {
      graph
          .append(dist)
          .append(",split=")
          .append(n)
          .append(labels("d", n))
          .append(';')
          .append(refChain)
          .append(",split=")
          .append(n)
          .append(labels("r", n))
          .append(';');
    }
    for (int i = 0; i < n; i++) {
      String m = metrics.get(i).name().toLowerCase(Locale.ROOT);
      graph.append("[d").append(i).append("][r").append(i).append(']');
      if (metrics.get(i) == JobSpec.QualityMetric.VMAF) {
        graph
            .append("libvmaf=")
            .append(vmafModelOptions.isEmpty() ? "" : vmafModelOptions + ":")
            .append("n_threads=")
            .append(vmafThreads)
            .append(":log_fmt=json:log_path=vmaf.json");
      } else {
        graph.append(m).append("=stats_file=").append(m).append(".log");
      }
      if (i < n - 1) {
        graph.append(';');
      }
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                ffmpeg,
                "-hide_banner",
                "-nostdin",
                "-nostats",
                "-loglevel",
                "info",
                "-progress",
                "pipe:1",
                "-y",
                "-i",
                encoded.toString()));
    cmd.addAll(source.inputArgs());
    cmd.addAll(List.of("-lavfi", graph.toString(), "-f", "null", "-"));
    return cmd;
  }

  private static String labels(String prefix, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append('[').append(prefix).append(i).append(']');
    }
    return sb.toString();
  }

  static String fmt(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
