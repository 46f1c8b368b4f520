package io.ffrtmp.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.job.JobSpec;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegCommandTest {

  private static List<String> encode(String spec) {
    return FfmpegCommand.encode(
        "ffmpeg", JobSpec.fromJson(new JsonObject(spec)), Path.of("/w/out.mkv"));
  }

  private static String after(List<String> cmd, String flag) {
    return cmd.get(cmd.indexOf(flag) + 1);
  }

  @Test
  void x264CrfFromASyntheticSource() {
    List<String> cmd =
        encode(
            "{\"input\": {\"duration_s\": 2}, \"video\": {\"resolution\": \"320x240\", \"preset\":"
                + " \"veryfast\", \"crf\": 20}}");
    assertThat(cmd).startsWith("ffmpeg", "-hide_banner", "-nostdin", "-nostats");
    assertThat(after(cmd, "-progress")).isEqualTo("pipe:1");
    assertThat(after(cmd, "-i")).isEqualTo("testsrc2=size=320x240:rate=30:duration=2");
    assertThat(after(cmd, "-c:v")).isEqualTo("libx264");
    assertThat(after(cmd, "-preset")).isEqualTo("veryfast");
    assertThat(after(cmd, "-crf")).isEqualTo("20");
    assertThat(after(cmd, "-vf")).isEqualTo("format=yuv420p");
    assertThat(cmd).endsWith("/w/out.mkv");
  }

  @Test
  void scalesWhenTheOutputSizeDiffers() {
    List<String> cmd =
        encode(
            "{\"input\": {\"resolution\": \"1920x1080\"}, \"video\": {\"resolution\":"
                + " \"640x360\"}}");
    assertThat(after(cmd, "-vf")).isEqualTo("scale=640:360:flags=bicubic,format=yuv420p");
  }

  @Test
  void cbrSetsMinMaxAndBuffer() {
    List<String> cmd = encode("{\"video\": {\"rate_control\": \"cbr\", \"bitrate\": \"3M\"}}");
    assertThat(after(cmd, "-b:v")).isEqualTo("3000k");
    assertThat(after(cmd, "-maxrate")).isEqualTo("3000k");
    assertThat(after(cmd, "-bufsize")).isEqualTo("6000k");
  }

  @Test
  void hardwareEncodersGetTheirDeviceFlags() {
    List<String> vaapi = encode("{\"video\": {\"encoder\": \"h264_vaapi\"}}");
    assertThat(after(vaapi, "-vaapi_device")).isEqualTo("/dev/dri/renderD128");
    assertThat(after(vaapi, "-vf")).endsWith("format=nv12,hwupload");
    assertThat(after(vaapi, "-qp")).isEqualTo("23");
    List<String> nvenc = encode("{\"video\": {\"encoder\": \"hevc_nvenc\", \"preset\": \"p5\"}}");
    assertThat(after(nvenc, "-cq")).isEqualTo("28");
  }

  @Test
  void qualityPassScoresAgainstTheSameFrames() {
    JobSpec spec =
        JobSpec.fromJson(
            new JsonObject(
                "{\"input\": {\"duration_s\": 1, \"resolution\": \"320x240\"}, \"video\":"
                    + " {\"resolution\": \"160x120\"}}"));
    List<String> cmd =
        FfmpegCommand.quality(
            "ffmpeg",
            SourceInfo.synthetic(spec.input()),
            Path.of("e.mkv"),
            spec.measure().quality(),
            1);
    assertThat(cmd).contains("testsrc2=size=320x240:rate=30:duration=1");
    String graph = after(cmd, "-lavfi");
    assertThat(graph)
        .contains("scale=320:240")
        .contains("psnr=stats_file=psnr.log")
        .contains("ssim=stats_file=ssim.log");
  }

  @Test
  void vmafScoresDistortedAgainstReferenceWithModelAndThreads() {
    JobSpec spec =
        JobSpec.fromJson(
            new JsonObject(
                "{\"input\": {\"duration_s\": 1}, \"measure\": {\"quality\": [\"vmaf\"]}}"));
    String graph =
        after(
            FfmpegCommand.quality(
                "ffmpeg",
                SourceInfo.synthetic(spec.input()),
                Path.of("e.mkv"),
                spec.measure().quality(),
                4),
            "-lavfi");
    assertThat(graph)
        .contains(
            "[d0][r0]libvmaf=model=version=vmaf_v0.6.1:n_threads=4:log_fmt=json:log_path=vmaf.json");
  }
}
