package io.ffrtmp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.Main;
import io.ffrtmp.job.Encoder;
import io.ffrtmp.worker.engine.EncoderCheck;
import io.ffrtmp.hardware.GpuDevice;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ffrtmp doctor} as a user runs it, on this machine (real FFmpeg; a VM with no RAPL and no GPU). */
class DoctorCommandTest {

  record Run(int exit, String out, String err) {
  }

  private static Run doctor(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "doctor";
    System.arraycopy(args, 0, all, 1, args.length);
    int exit = cli.execute(all);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void textReportSaysWhatIsMissingHereAndHowToFixIt() {
    Run run = doctor();

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("FFmpeg", "Encoders", "Quality", "Power sources", "GPUs and render nodes",
      "PostgreSQL server binaries", "CPU", "Summary: ready:");
    assertThat(run.out()).containsPattern("\\| libx264 +\\| h264 +\\| none +\\| yes +\\| yes");
    assertThat(run.out()).containsPattern("\\| h264_vaapi +\\| h264 +\\| vaapi +\\| yes +\\| no +\\| \\S");
    assertThat(run.out()).contains(DoctorCommand.VMAF_FIX);
    if (!Files.isDirectory(Path.of("/sys/class/powercap"))) {
      assertThat(run.out()).contains("energy         estimated", DoctorCommand.NO_RAPL_FIX);
    }
    if (!Files.exists(Path.of("/dev/dri")) && !Files.exists(Path.of("/dev/nvidia0"))) {
      assertThat(run.out()).contains(DoctorCommand.NO_GPU);
    }
    assertThat(run.out()).contains("sudo cpupower frequency-set -g performance");
  }

  @Test
  void jsonHasEverySection() {
    Run run = doctor("--json");

    assertThat(run.exit()).as(run.err()).isZero();
    JsonObject r = new JsonObject(run.out());
    assertThat(r.fieldNames()).contains("ffmpeg", "encoders", "quality", "power", "gpus", "postgresql", "cpu", "summary", "ok");
    assertThat(r.getBoolean("ok")).isTrue();
    assertThat(r.getJsonObject("ffmpeg").getString("version")).startsWith("ffmpeg version");
    JsonArray encoders = r.getJsonArray("encoders");
    assertThat(encoders).hasSize(Encoder.values().length);
    assertThat(encoders.getJsonObject(0).getMap()).containsEntry("encoder", "libx264").containsEntry("works", true);
    assertThat(r.getJsonObject("quality").getBoolean("psnr")).isTrue();
    assertThat(r.getJsonObject("quality").getJsonObject("vmaf").getString("fix")).isEqualTo(DoctorCommand.VMAF_FIX);
    JsonObject power = r.getJsonObject("power");
    assertThat(power.getJsonArray("sources")).isNotEmpty();
    if (!Files.isDirectory(Path.of("/sys/class/powercap"))) {
      assertThat(power.getString("provenance")).isEqualTo("estimated");
      assertThat(power.getString("fix")).isEqualTo(DoctorCommand.NO_RAPL_FIX);
    }
    assertThat(r.getJsonObject("cpu").getInteger("threads")).isPositive();
  }

  @Test
  void missingFfmpegExitsOneWithTheInstallHint() {
    Run run = doctor("--ffmpeg", "/nonexistent/ffmpeg");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("FFmpeg not found ('/nonexistent/ffmpeg')", "sudo apt-get install ffmpeg");
    assertThat(run.out()).contains("Summary: FFmpeg does not run", "not probed: FFmpeg does not run");
  }

  @Test
  void badOptionExitsTwo() {
    assertThat(doctor("--no-such-option").exit()).isEqualTo(2);
  }

  @Test
  void inaccessibleRenderNodeGetsTheGroupFix() {
    GpuDevice locked = new GpuDevice("Intel", "PCI 0x8086:0x3e92", "/dev/dri/renderD128", true, false);

    JsonObject gpus = DoctorCommand.gpuSection(List.of(locked), List.of());

    assertThat(gpus.getJsonArray("fixes")).containsExactly(
      "sudo usermod -aG render,video $USER (then log in again): this user cannot open the render node(s) /dev/dri/renderD128");
  }

  @Test
  void nvidiaDeviceWithFailingNvencGetsTheDriverFix() {
    GpuDevice gpu = new GpuDevice("NVIDIA", "Tesla T4", "/dev/nvidia0", true, true);
    EncoderCheck nvenc = new EncoderCheck(Encoder.H264_NVENC, true, false, "h264_nvenc: Cannot load libcuda.so.1");

    JsonObject gpus = DoctorCommand.gpuSection(List.of(gpu), List.of(nvenc));

    assertThat(gpus.getJsonArray("fixes")).singleElement().asString()
      .startsWith("NVIDIA device present but NVENC does not work (h264_nvenc: Cannot load libcuda.so.1)")
      .contains("libnvidia-encode");
    assertThat(gpus.containsKey("note")).isFalse();
  }
}
