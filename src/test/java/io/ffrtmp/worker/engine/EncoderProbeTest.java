package io.ffrtmp.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.job.Encoder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real FFmpeg: a missing binary fails here with FfmpegInfo's install hint. */
class EncoderProbeTest {

  @Test
  void probeCommandIsTheJobCommandCutToOneFrame() {
    List<String> vaapi = EncoderProbe.probeCommand("ffmpeg", Encoder.H264_VAAPI);
    assertThat(String.join(" ", vaapi))
        .contains("-vaapi_device /dev/dri/renderD128", "format=nv12,hwupload", "-c:v h264_vaapi")
        .endsWith("-frames:v 1 -f null -")
        .doesNotContain("-progress", "-benchmark", "matroska");

    List<String> qsv = EncoderProbe.probeCommand("ffmpeg", Encoder.HEVC_QSV);
    assertThat(String.join(" ", qsv))
        .contains(
            "-init_hw_device qsv=hw -filter_hw_device hw",
            "format=nv12,hwupload=extra_hw_frames=64,format=qsv",
            "-c:v hevc_qsv");

    List<String> nvenc = EncoderProbe.probeCommand("ffmpeg", Encoder.H264_NVENC);
    assertThat(nvenc).doesNotContain("-vaapi_device", "-init_hw_device").contains("h264_nvenc");
  }

  @Test
  void everyEncoderIsCheckedAndSoftwareOnesWork() {
    FfmpegInfo ffmpeg = FfmpegInfo.probe("ffmpeg");
    long t0 = System.nanoTime();

    List<EncoderCheck> checks = EncoderProbe.encoders(ffmpeg);

    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    assertThat(checks).extracting(EncoderCheck::encoder).containsExactly(Encoder.values());
    EncoderCheck x264 = checks.get(0);
    assertThat(x264.encoder()).isEqualTo(Encoder.LIBX264);
    assertThat(x264.listed()).isTrue();
    assertThat(x264.works()).as("libx264 probe: %s", x264.reason()).isTrue();
    assertThat(x264.reason()).isNull();
    assertThat(checks)
        .allSatisfy(
            c -> assertThat(c.works() ? c.reason() == null : !c.reason().isBlank()).isTrue());
  }

  /** Debian's build lists h264_vaapi; without a render node it cannot open a device. */
  @Test
  void vaapiListedButNotWorkingCarriesTheReason() {
    FfmpegInfo ffmpeg = FfmpegInfo.probe("ffmpeg");
    assertThat(ffmpeg.has(Encoder.H264_VAAPI))
        .as("this FFmpeg lists h264_vaapi (Debian's does)")
        .isTrue();

    EncoderCheck vaapi = EncoderProbe.probeEncoder(ffmpeg.binary(), Encoder.H264_VAAPI);

    assertThat(vaapi.listed()).isTrue();
    assertThat(vaapi.works()).isFalse();
    assertThat(vaapi.reason()).contains("/dev/dri/renderD128");
  }

  @Test
  void debianFfmpegHasNoVmaf() {
    FfmpegInfo ffmpeg = FfmpegInfo.probe("ffmpeg");
    VmafCheck vmaf = EncoderProbe.vmaf(ffmpeg.binary());

    if (ffmpeg.configuration().contains("--enable-libvmaf")) {
      assertThat(vmaf.listed()).isTrue();
    } else {
      assertThat(vmaf)
          .isEqualTo(
              new VmafCheck(
                  false,
                  false,
                  "libvmaf is not among 'ffmpeg -filters' (FFmpeg built without"
                      + " --enable-libvmaf)"));
    }
  }

  @Test
  void reasonKeepsTheComponentLineAndTheLastLine() {
    assertThat(
            EncoderProbe.ProbeRun.reason(
                List.of(
                    "Stream #0:0 -> #0:0",
                    "[h264_nvenc @ 0x55b41ca6a7c0] Cannot load libcuda.so.1",
                    "Error initializing output stream 0:0",
                    "Conversion failed!"),
                1))
        .isEqualTo("h264_nvenc: Cannot load libcuda.so.1 / Conversion failed!");
    assertThat(
            EncoderProbe.ProbeRun.reason(
                List.of(
                    "Device creation failed: -5.",
                    "Failed to set value 'qsv=hw'",
                    "Error parsing global options: Generic error"),
                1))
        .isEqualTo("Failed to set value 'qsv=hw' / Error parsing global options: Generic error");
    assertThat(EncoderProbe.ProbeRun.reason(List.of(), 1)).isEqualTo("exit 1 with no output");
  }

  @Test
  void aHungProbeIsKilledAtTheTimeout() {
    long t0 = System.nanoTime();

    EncoderProbe.ProbeRun run =
        EncoderProbe.ProbeRun.of(List.of("sleep", "30"), Duration.ofMillis(300));

    assertThat(run.succeeded()).isFalse();
    assertThat(run.reason()).isEqualTo("no answer within 300 ms (killed)");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aMissingBinaryIsAReasonNotACrash() {
    EncoderProbe.ProbeRun run =
        EncoderProbe.ProbeRun.of(List.of("/nonexistent/ffmpeg", "-version"), Duration.ofSeconds(5));

    assertThat(run.succeeded()).isFalse();
    assertThat(run.reason()).startsWith("cannot run '/nonexistent/ffmpeg'");
  }
}
