package io.ffrtmp.worker.engine;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.Resolution;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the encode reads and the quality pass compares against: the FFmpeg input arguments, and the
 * source's size, rate and length. Synthetic sources are known from the spec; files are probed with
 * ffprobe. {@code file}: the resolved input file (what a GStreamer pipeline reads), or the
 * pre-rendered file of a pattern too costly to generate inside the energy window; {@code url}: the
 * live stream read (an RTMP or SRT input, or the synthetic camera); null for other sources. {@code
 * prerendered}: how a pre-rendered pattern was made (the result's {@code source.prerendered}), else
 * null.
 */
public record SourceInfo(
    List<String> inputArgs,
    Resolution resolution,
    double fps,
    double durationS,
    String description,
    Path file,
    URI url,
    JsonObject prerendered) {

  public SourceInfo(
      List<String> inputArgs,
      Resolution resolution,
      double fps,
      double durationS,
      String description,
      Path file,
      URI url) {
    this(inputArgs, resolution, fps, durationS, description, file, url, null);
  }

  /** A source that is neither a file nor a stream. */
  public SourceInfo(
      List<String> inputArgs,
      Resolution resolution,
      double fps,
      double durationS,
      String description) {
    this(inputArgs, resolution, fps, durationS, description, null, null);
  }

  /** A file source. */
  public SourceInfo(
      List<String> inputArgs,
      Resolution resolution,
      double fps,
      double durationS,
      String description,
      Path file) {
    this(inputArgs, resolution, fps, durationS, description, file, null);
  }

  public static SourceInfo synthetic(JobSpec.Input in) {
    return new SourceInfo(
        List.of("-f", "lavfi", "-i", in.lavfiSource()),
        in.resolution(),
        in.fps(),
        in.durationS(),
        "the same synthetic frames (" + in.lavfiSource() + ")");
  }

  /**
   * A pattern rendered beforehand to {@code file} (raw frames in Matroska): the encode and the
   * quality pass read the file, so quality is scored against exactly the frames that were encoded.
   */
  public static SourceInfo prerendered(JobSpec.Input in, Path file, JsonObject how) {
    return new SourceInfo(
        List.of("-i", file.toString()),
        in.resolution(),
        in.fps(),
        in.durationS(),
        "the same pre-rendered frames ("
            + in.pattern()
            + " "
            + in.resolution()
            + " at "
            + BigDecimal.valueOf(in.fps()).stripTrailingZeros().toPlainString()
            + " fps, "
            + in.frames()
            + " frames, lossless)",
        file,
        null,
        how);
  }

  /** How long a live input may stay silent before FFmpeg gives up on it (microseconds). */
  static final String LIVE_RW_TIMEOUT_US = "5000000";

  /**
   * A live input read from {@code url} for the input's duration: an RTMP or SRT stream of unknown
   * size and rate (null and 0: the encode scales and paces to the video's), or the synthetic camera
   * the worker publishes (its size and rate known). Probing is kept short so the encode starts
   * within a second of the stream.
   */
  public static SourceInfo live(JobSpec.Input in, URI url) {
    List<String> args =
        List.of(
            "-rw_timeout",
            LIVE_RW_TIMEOUT_US,
            "-analyzeduration",
            "1000000",
            "-t",
            BigDecimal.valueOf(in.durationS()).stripTrailingZeros().toPlainString(),
            "-i",
            url.toString());
    boolean camera = in.isPattern();
    return new SourceInfo(
        args,
        camera ? in.resolution() : null,
        camera ? in.fps() : 0,
        in.durationS(),
        camera
            ? "the synthetic camera (" + in.pattern() + ", " + in.resolution() + ") at " + url
            : "the live stream " + url,
        null,
        url);
  }

  /** This file source played at its own rate ({@code -re}), as a live source arrives. */
  public SourceInfo atRealtime() {
    List<String> args = new ArrayList<>();
    args.add("-re");
    args.addAll(inputArgs);
    return new SourceInfo(
        List.copyOf(args),
        resolution,
        fps,
        durationS,
        description + ", played at realtime",
        file,
        url,
        prerendered);
  }

  /**
   * Probes a file (blocking) with the ffprobe beside {@code ffmpeg}; {@code limitS} > 0 reads only
   * that much.
   */
  public static SourceInfo file(String ffmpeg, Path file, double limitS) throws IOException {
    JsonObject probe = ffprobe(ffmpeg, file);
    JsonObject stream =
        probe.getJsonArray("streams") == null || probe.getJsonArray("streams").isEmpty()
            ? null
            : probe.getJsonArray("streams").getJsonObject(0);
    if (stream == null || stream.getInteger("width") == null) {
      throw new IOException(file.getFileName() + " has no video stream");
    }
    Resolution res = new Resolution(stream.getInteger("width"), stream.getInteger("height"));
    double fps =
        rate(stream.getString("avg_frame_rate"), rate(stream.getString("r_frame_rate"), 0));
    if (!(fps > 0)) {
      throw new IOException(file.getFileName() + ": frame rate unknown");
    }
    String d = probe.getJsonObject("format", new JsonObject()).getString("duration");
    double fileS = d == null ? 0 : Double.parseDouble(d);
    double durationS = limitS > 0 && (fileS == 0 || limitS < fileS) ? limitS : fileS;
    List<String> args = new ArrayList<>();
    if (limitS > 0) {
      args.addAll(List.of("-t", BigDecimal.valueOf(limitS).stripTrailingZeros().toPlainString()));
    }
    args.addAll(List.of("-i", file.toString()));
    return new SourceInfo(
        List.copyOf(args),
        res,
        fps,
        durationS,
        "the source file "
            + file.getFileName()
            + " ("
            + res
            + ", "
            + BigDecimal.valueOf(fps)
                .setScale(3, RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString()
            + " fps), scaled to its size",
        file);
  }

  /** "30000/1001" → 29.97; "0/0" or null → the fallback. */
  static double rate(String text, double fallback) {
    if (text == null || !text.contains("/")) {
      return fallback;
    }
    String[] p = text.split("/");
    double num = Double.parseDouble(p[0]);
    double den = Double.parseDouble(p[1]);
    return den == 0 || num == 0 ? fallback : num / den;
  }

  private static JsonObject ffprobe(String ffmpeg, Path file) throws IOException {
    return new JsonObject(
        Ffprobe.run(
            List.of(
                Ffprobe.binary(ffmpeg),
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=width,height,avg_frame_rate,r_frame_rate:format=duration",
                "-of",
                "json",
                file.toString()),
            file,
            30));
  }
}
