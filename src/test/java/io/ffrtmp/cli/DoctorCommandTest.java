package io.ffrtmp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.Main;
import io.ffrtmp.hardware.FakeMachine;
import io.ffrtmp.hardware.GpuDevice;
import io.ffrtmp.job.Encoder;
import io.ffrtmp.power.FakePowercap;
import io.ffrtmp.power.PowerConfig;
import io.ffrtmp.worker.engine.FakeFfmpeg;
import io.ffrtmp.worker.engine.GstCommand;
import io.ffrtmp.worker.engine.GstInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ffrtmp doctor} on machines the tests build (fake /proc, /sys, /dev and powercap trees, a
 * fake FFmpeg script), so every finding and fix is asserted exactly whatever the host has; the
 * command line itself runs with the fake FFmpeg and, for what every build shares, with the real
 * one.
 */
class DoctorCommandTest {

  private static final int ENCODERS = Encoder.values().length;

  /** A complete GStreamer, so the counts of fixes do not depend on the host's. */
  private static final GstInfo GST =
      new GstInfo("gst-launch-1.0", "GStreamer 1.22.0", Set.copyOf(GstCommand.ELEMENTS), null);

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  private static Run doctor(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "doctor";
    System.arraycopy(args, 0, all, 1, args.length);
    int exit = cli.execute(all);
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * Power sources of the fake machine only: powercap at {@code powercap}, no hwmon, perf PMU or
   * NVML.
   */
  private PowerConfig power(FakeMachine m, Path powercap) {
    return PowerConfig.defaults()
        .withPowercapRoot(powercap)
        .withProcRoot(m.proc)
        .withHwmonRoot(tmp.resolve("no-hwmon"))
        .withPerfRoot(tmp.resolve("no-perf"))
        .withCpuRoot(m.sys.resolve("devices/system/cpu"))
        .withNvmlLibrary(null);
  }

  private Path ffmpeg(FakeFfmpeg build) throws IOException {
    return build.writeTo(Files.createDirectories(tmp.resolve("bin")));
  }

  @Test
  void aVirtualMachineGetsOneFixForEachGap() throws IOException {
    FakeMachine vm =
        new FakeMachine(tmp.resolve("vm")).cpuinfo(1, 2).meminfo(8L * 1024 * 1024).procStat(4);
    Path ffmpeg =
        ffmpeg(
            new FakeFfmpeg()
                .works(Encoder.LIBX264)
                .fails(Encoder.H264_VAAPI, "No VA display found"));

    JsonObject r =
        DoctorCommand.examine(
            ffmpeg.toString(),
            power(vm, tmp.resolve("no-powercap")),
            vm.probe(),
            Optional.empty(),
            GST);

    assertThat(r.getBoolean("ok")).isTrue();
    assertThat(r.getString("summary"))
        .isEqualTo(
            "ready: 1 of "
                + ENCODERS
                + " encoders work (libx264); energy estimated; VMAF no (PSNR, SSIM); no GPU; no"
                + " PostgreSQL binaries (use --db); 4 fix(es) above");
    assertThat(r.getJsonObject("ffmpeg").getString("version")).isEqualTo(FakeFfmpeg.VERSION);
    assertThat(r.getJsonObject("ffmpeg").getJsonArray("configure_flags"))
        .containsExactly("--enable-gpl", "--enable-libx264");
    String text = DoctorCommand.render(r);
    assertThat(text)
        .containsPattern("\\| libx264 +\\| h264 +\\| none +\\| yes +\\| yes +\\| +\\|")
        .containsPattern(
            "\\| h264_vaapi +\\| h264 +\\| vaapi +\\| yes +\\| no +\\| h264_vaapi: No VA display"
                + " found / Conversion failed! +\\|")
        .containsPattern(
            "\\| libx265 +\\| hevc +\\| none +\\| no +\\| no +\\| not listed by 'ffmpeg -encoders'")
        .contains(
            "  PSNR, SSIM     yes\n",
            "  VMAF           no: libvmaf is not among 'ffmpeg -filters' (FFmpeg built without"
                + " --enable-libvmaf)\n",
            "  fix: " + DoctorCommand.VMAF_FIX + "\n",
            "  energy         estimated\n",
            "  fix: " + DoctorCommand.NO_RAPL_FIX + "\n",
            "  " + DoctorCommand.NO_GPU + "\n",
            "  binaries       not found\n",
            "  fix: PostgreSQL server binaries (initdb, pg_ctl) not found: "
                + DoctorCommand.POSTGRES_FIX
                + "\n",
            "  sockets        1\n",
            "  cores/threads  2/4\n",
            "  memory         8192 MiB\n",
            "  governor       unknown\n",
            "  fix: no cpufreq governor is exposed (a virtual machine, or no cpufreq driver)");
  }

  @Test
  void aMachineWithRaplAWorkingGpuAndVmafHasNothingToFix() throws IOException {
    FakeMachine m =
        new FakeMachine(tmp.resolve("m"))
            .cpuinfo(2, 4)
            .meminfo(32L * 1024 * 1024)
            .procStat(16)
            .governor("performance")
            .renderNode("renderD128", "0x8086", "0x3e92");
    FakePowercap rapl = FakePowercap.intel(tmp.resolve("powercap"), 2);
    Path ffmpeg =
        ffmpeg(
            new FakeFfmpeg()
                .works(Encoder.LIBX264, Encoder.LIBX265, Encoder.H264_VAAPI, Encoder.HEVC_VAAPI)
                .vmaf());

    JsonObject r =
        DoctorCommand.examine(
            ffmpeg.toString(),
            power(m, rapl.root()),
            m.probe(),
            Optional.of(tmp.resolve("postgresql/16/bin")),
            GST);

    assertThat(r.getString("summary"))
        .isEqualTo(
            "ready: 4 of "
                + ENCODERS
                + " encoders work (libx264, libx265, h264_vaapi, hevc_vaapi); energy measured; VMAF"
                + " yes; 1 GPU device(s); PostgreSQL binaries found; nothing to fix");
    assertThat(r.getJsonObject("quality").getJsonObject("vmaf").getMap())
        .containsEntry("listed", true)
        .containsEntry("works", true)
        .doesNotContainKey("fix");
    assertThat(
            r.getJsonObject("power").getJsonArray("sources").stream()
                .map(s -> ((JsonObject) s).getString("name")))
        .contains("package-0", "dram-0", "package-1", "dram-1");
    assertThat(r.getJsonObject("gpus").getJsonArray("fixes")).isEmpty();
    assertThat(r.getJsonObject("postgresql").getString("binaries"))
        .isEqualTo(tmp.resolve("postgresql/16/bin").toString());
    assertThat(DoctorCommand.render(r))
        .contains(
            "  VMAF           yes\n",
            "  energy         measured\n",
            "  governor       performance\n",
            "Intel PCI 0x8086:0x3e92, accessible\n")
        .as("no section fix (sources not in use may still name theirs)")
        .doesNotContainPattern("(?m)^  fix: ");
  }

  @Test
  void unreadableRaplAndAMovingClockGetTheirOwnFixes() throws IOException {
    FakeMachine m =
        new FakeMachine(tmp.resolve("m")).cpuinfo(1, 4).procStat(8).governor("schedutil");
    FakePowercap rapl = FakePowercap.intel(tmp.resolve("powercap"), 1);
    for (String zone : List.of("intel-rapl:0", "intel-rapl:0:0", "intel-rapl:0:1")) {
      Files.delete(rapl.zoneDir(zone).resolve("energy_uj"));
    }
    Path ffmpeg =
        ffmpeg(
            new FakeFfmpeg()
                .works(Encoder.LIBX264)
                .vmafFails("could not read the model vmaf_v0.6.1"));

    JsonObject r =
        DoctorCommand.examine(
            ffmpeg.toString(), power(m, rapl.root()), m.probe(), Optional.empty(), GST);

    JsonObject power = r.getJsonObject("power");
    assertThat(power.getString("provenance")).isEqualTo("estimated");
    assertThat(power.getString("fix"))
        .startsWith("RAPL is present but no zone in scope can be read");
    assertThat(r.getJsonObject("cpu").getString("fix")).isEqualTo(DoctorCommand.GOVERNOR_FIX);
    assertThat(r.getJsonObject("quality").getJsonObject("vmaf").getMap())
        .containsEntry("listed", true)
        .containsEntry("works", false)
        .containsEntry(
            "reason", "Parsed_libvmaf_0: could not read the model vmaf_v0.6.1 / Conversion failed!")
        .containsEntry("fix", DoctorCommand.VMAF_FIX);
    assertThat(DoctorCommand.render(r))
        .contains("  package-0      unusable: no energy_uj in " + rapl.zoneDir("intel-rapl:0"));
  }

  @Test
  void gpusWhoseEncodersFailGetTheDriverFixes() throws IOException {
    FakeMachine m =
        new FakeMachine(tmp.resolve("m"))
            .cpuinfo(1, 4)
            .procStat(8)
            .nvidia("Tesla T4", true)
            .renderNode("renderD128", "0x8086", "0x3e92");
    Path ffmpeg =
        ffmpeg(
            new FakeFfmpeg()
                .works(Encoder.LIBX264)
                .fails(Encoder.H264_NVENC, "Cannot load libcuda.so.1")
                .fails(Encoder.H264_VAAPI, "No VA display found"));

    JsonObject r =
        DoctorCommand.examine(
            ffmpeg.toString(),
            power(m, tmp.resolve("no-powercap")),
            m.probe(),
            Optional.empty(),
            GST);

    JsonObject gpus = r.getJsonObject("gpus");
    assertThat(gpus.getJsonArray("devices")).hasSize(2);
    assertThat(gpus.containsKey("note")).isFalse();
    assertThat(gpus.getJsonArray("fixes").getList())
        .satisfiesExactly(
            nvidia ->
                assertThat(nvidia)
                    .asString()
                    .startsWith(
                        "NVIDIA device present but NVENC does not work (h264_nvenc: Cannot load"
                            + " libcuda.so.1 / Conversion failed!): install the NVIDIA driver's"
                            + " user-space libraries")
                    .contains("libnvidia-encode"),
            vaapi ->
                assertThat(vaapi)
                    .asString()
                    .startsWith(
                        "a render node is accessible but VAAPI does not work (h264_vaapi: No VA"
                            + " display found / Conversion failed!): install the VA-API driver"));
    assertThat(r.getString("summary")).contains("; 2 GPU device(s); ");
  }

  /** Run as root a device file is always accessible, so a locked render node is built by hand. */
  @Test
  void inaccessibleRenderNodeGetsTheGroupFix() {
    GpuDevice locked =
        new GpuDevice("Intel", "PCI 0x8086:0x3e92", "/dev/dri/renderD128", true, false);

    JsonObject gpus = DoctorCommand.gpuSection(List.of(locked), List.of());

    assertThat(gpus.getJsonArray("fixes"))
        .containsExactly(
            "sudo usermod -aG render,video $USER (then log in again): "
                + "this user cannot open the render node(s) /dev/dri/renderD128");
  }

  @Test
  void theCommandLineSaysTheSameInTextAndJsonAndHonoursTheSourceFlags() throws IOException {
    Path ffmpeg = ffmpeg(new FakeFfmpeg().works(Encoder.LIBX264, Encoder.LIBSVTAV1));
    Path powercap = tmp.resolve("no-powercap");
    String[] flags = {
      "--ffmpeg",
      ffmpeg.toString(),
      "--powercap-root",
      powercap.toString(),
      "--hwmon-root",
      tmp.resolve("no-hwmon").toString(),
      "--perf-root",
      tmp.resolve("no-perf").toString(),
      "--nvml",
      "none"
    };

    Run text = doctor(flags);
    Run json = doctor(append(flags, "--json"));

    assertThat(json.exit()).as(json.err()).isZero();
    JsonObject r = new JsonObject(json.out());
    assertThat(r.fieldNames())
        .containsExactlyInAnyOrder(
            "ffmpeg",
            "encoders",
            "gstreamer",
            "quality",
            "power",
            "gpus",
            "postgresql",
            "cpu",
            "summary",
            "ok");
    assertThat(r.getJsonObject("ffmpeg").getString("binary")).isEqualTo(ffmpeg.toString());
    assertThat(
            r.getJsonArray("encoders").stream()
                .map(e -> (JsonObject) e)
                .filter(e -> e.getBoolean("works"))
                .map(e -> e.getString("encoder")))
        .containsExactly("libx264", "libsvtav1");
    assertThat(r.getJsonObject("power").getString("powercap_root")).isEqualTo(powercap.toString());
    assertThat(r.getJsonObject("power").getString("fix")).isEqualTo(DoctorCommand.NO_RAPL_FIX);
    assertThat(
            r.getJsonObject("power").getJsonArray("sources").stream()
                .map(s -> (JsonObject) s)
                .filter(s -> s.getString("name").equals("nvml")))
        .singleElement()
        .satisfies(nvml -> assertThat(nvml.getString("detail")).startsWith("NVML not looked at"));
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out())
        .contains(
            "Power sources (" + powercap + ")\n",
            "  version        " + FakeFfmpeg.VERSION + "\n",
            "\nSummary: " + r.getString("summary") + "\n");
  }

  /**
   * Only what every FFmpeg build has: the real binary's version line, PSNR and SSIM, one row per
   * encoder.
   */
  @Test
  void withTheRealFfmpegEveryEncoderIsProbedAndEveryFailureHasAReason() {
    Run run = doctor("--json");

    assertThat(run.exit()).as(run.err()).isZero();
    JsonObject r = new JsonObject(run.out());
    assertThat(r.getBoolean("ok")).isTrue();
    assertThat(r.getJsonObject("ffmpeg").getString("version")).startsWith("ffmpeg version");
    JsonArray encoders = r.getJsonArray("encoders");
    assertThat(encoders.stream().map(e -> ((JsonObject) e).getString("encoder")))
        .containsExactly(
            Arrays.stream(Encoder.values()).map(Encoder::ffmpegName).toArray(String[]::new));
    assertThat(encoders.stream().map(e -> (JsonObject) e))
        .allSatisfy(
            e ->
                assertThat(e.getString("reason") == null)
                    .as("%s", e)
                    .isEqualTo(e.getBoolean("works")));
    assertThat(r.getJsonObject("quality").getMap())
        .containsEntry("psnr", true)
        .containsEntry("ssim", true);
    JsonObject vmaf = r.getJsonObject("quality").getJsonObject("vmaf");
    assertThat(vmaf.containsKey("fix")).as("%s", vmaf).isEqualTo(!vmaf.getBoolean("works"));
    assertThat(r.getString("summary")).startsWith("ready: ");
  }

  @Test
  void missingFfmpegExitsOneWithTheInstallHint() {
    Run run = doctor("--ffmpeg", "/nonexistent/ffmpeg");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("FFmpeg not found ('/nonexistent/ffmpeg')", "sudo apt-get install ffmpeg");
    assertThat(run.out())
        .contains("Summary: FFmpeg does not run", "not probed: FFmpeg does not run");
  }

  @Test
  void badOptionExitsTwo() {
    assertThat(doctor("--no-such-option").exit()).isEqualTo(2);
  }

  private static String[] append(String[] args, String arg) {
    String[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = arg;
    return all;
  }

  @Test
  void gstreamerIsReportedWithItsEncodersAndTheFixWhenAbsent() {
    Set<String> partial = new java.util.HashSet<>(GstCommand.ELEMENTS);
    partial.remove("x265enc");
    JsonObject some =
        DoctorCommand.gstreamer(new GstInfo("gst-launch-1.0", "GStreamer 1.22.0", partial, null));
    assertThat(some.getBoolean("works")).isTrue();
    assertThat(some.getJsonObject("encoders").getJsonObject("libx264").getString("element"))
        .isEqualTo("x264enc");
    assertThat(some.getJsonObject("encoders").getJsonObject("libx264").getBoolean("present"))
        .isTrue();
    assertThat(some.getJsonObject("encoders").getJsonObject("libx265").getBoolean("present"))
        .isFalse();
    assertThat(some.getJsonObject("encoders").containsKey("libsvtav1")).isFalse();
    assertThat(some.getJsonArray("missing").getList()).containsExactly("x265enc");
    assertThat(some.getString("fix")).contains("gstreamer1.0-plugins-bad");

    JsonObject none =
        DoctorCommand.gstreamer(
            new GstInfo(
                "gst-launch-1.0", null, Set.of(), "GStreamer not found ('gst-launch-1.0')"));
    assertThat(none.getBoolean("works")).isFalse();
    assertThat(none.getString("error")).contains("not found");
    assertThat(none.getString("fix")).contains("apt-get install gstreamer1.0-tools");
  }
}
