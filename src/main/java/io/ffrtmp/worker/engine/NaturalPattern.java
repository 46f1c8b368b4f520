package io.ffrtmp.worker.engine;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.Resolution;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code natural} synthetic pattern: a lavfi composite that behaves more like camera footage
 * than {@code testsrc2}. A slowly turning colour field ({@code gradients}) carries a blurred
 * cellular texture ({@code cellauto} rule 30, scrolling by itself and panned back and forth), a
 * moving organic object ({@code life} with mould, on a curved path) and temporal film-grain ({@code
 * noise}). Every source has a fixed seed, so the same size, rate and length give the same frames,
 * byte for byte.
 *
 * <p>Generating it costs about 15–30 ms a frame at 720p (several times a fast encode), so it is
 * never generated inside an energy window: the worker renders it once, losslessly (raw yuv420p in
 * Matroska, which both engines read for next to nothing), and encodes and scores that file.
 */
public final class NaturalPattern {

  /** The pattern's name in {@code input.pattern}. */
  public static final String NAME = "natural";

  /**
   * Changes whenever the graph below changes, so a cached render of an older graph is never reused.
   */
  public static final String VERSION = "v1";

  private NaturalPattern() {}

  public static boolean is(JobSpec.Input in) {
    return in.isPattern() && NAME.equals(in.pattern());
  }

  /** The lavfi graph, its output labelled {@code [v]}; every value is a number from the spec. */
  public static String graph(Resolution size, double fps, double durationS) {
    int w = size.width();
    int h = size.height();
    String r = FfmpegCommand.fmt(fps);
    String d = FfmpegCommand.fmt(durationS);
    int pan = Math.max(16, w / 2) & ~1; // the texture is this much wider than the picture
    int texH = Math.max(8, h / 2);
    int objW = Math.max(4, w / 8);
    int objH = Math.max(4, h / 8);
    return "gradients=s="
        + w
        + "x"
        + h
        + ":r="
        + r
        + ":d="
        + d
        + ":n=5:c0=0x2f5f2a:c1=0x6b8e3a:c2=0x1f3f6f:c3=0x8a6a3a:c4=0xa0b8d0:seed=7:speed=0.02"
        + ",format=yuv420p[bg];"
        + "cellauto=s="
        + (w + pan)
        + "x"
        + texH
        + ":r="
        + r
        + ":rule=30:random_seed=11:random_fill_ratio=0.5,format=gray,scale="
        + (w + pan)
        + "x"
        + h
        + ":flags=bilinear,gblur=sigma=2,crop="
        + w
        + ":"
        + h
        + ":x='"
        + pan / 2
        + "-"
        + pan / 2
        + "*cos(t*0.125)':y=0,format=yuv420p[tex];"
        + "[bg][tex]blend=c0_mode=overlay:c0_opacity=0.5:c1_mode=normal:c2_mode=normal[scene];"
        + "life=s="
        + objW
        + "x"
        + objH
        + ":r="
        + r
        + ":mold=8:ratio=0.3:random_seed=5:life_color=0xe0c040:death_color=0x403020"
        + ":mold_color=0x905020,scale="
        + 2 * objW
        + "x"
        + 2 * objH
        + ":flags=bicubic,format=yuv420p[obj];"
        + "[scene][obj]overlay=x='(W-w)*(0.5+0.4*sin(t*0.7))':y='(H-h)*(0.5+0.4*cos(t*0.5))'"
        + ":shortest=1,noise=c0s=7:c0f=t+u:c1s=3:c1f=t+u:c2s=3:c2f=t+u:all_seed=4242"
        + ",format=yuv420p[v]";
  }

  /** Bytes of the raw render: one yuv420p frame is width × height × 1.5 bytes. */
  public static long rawBytes(JobSpec.Input in) {
    return in.frames() * (long) in.resolution().width() * in.resolution().height() * 3 / 2;
  }

  /**
   * Renders the input's frames, exactly {@link JobSpec.Input#frames()} of them, to {@code output}:
   * raw yuv420p in Matroska, no audio.
   */
  public static List<String> render(String ffmpeg, JobSpec.Input in, Path output) {
    return List.of(
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "error",
        "-y",
        "-filter_complex",
        graph(in.resolution(), in.fps(), in.durationS() + 1 / in.fps()),
        "-map",
        "[v]",
        "-frames:v",
        Long.toString(in.frames()),
        "-c:v",
        "rawvideo",
        "-pix_fmt",
        "yuv420p",
        "-an",
        // No random segment id or date in the container: the same frames are the same file.
        "-fflags",
        "+bitexact",
        "-f",
        "matroska",
        output.toString());
  }
}
