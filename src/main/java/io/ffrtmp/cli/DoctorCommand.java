package io.ffrtmp.cli;

import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import com.github.freva.asciitable.HorizontalAlign;
import io.ffrtmp.cli.options.PowerSourceOptions;
import io.ffrtmp.cli.options.QualityOptions;
import io.ffrtmp.hardware.CpuFacts;
import io.ffrtmp.hardware.GpuDevice;
import io.ffrtmp.hardware.HardwareProbe;
import io.ffrtmp.job.Encoder;
import io.ffrtmp.master.store.EmbeddedPostgres;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.PowerConfig;
import io.ffrtmp.power.SourceStatus;
import io.ffrtmp.worker.engine.EncoderCheck;
import io.ffrtmp.worker.engine.EncoderProbe;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.ffrtmp.worker.engine.GstCommand;
import io.ffrtmp.worker.engine.GstInfo;
import io.ffrtmp.worker.engine.Scorer;
import io.ffrtmp.worker.engine.VmafCheck;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ffrtmp doctor}: what this machine can measure and encode, and for everything that does not
 * work, the fix. The report is built once as JSON; the text view renders that same object, so
 * {@code --json} never says more or less.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check this machine: FFmpeg and the encoders that really work, VMAF, power sources, GPUs,",
      "PostgreSQL server binaries and CPU facts, with the fix for anything unusable."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:FFmpeg works: this node can run jobs (other findings are advice)",
      "1:FFmpeg is missing or does not run",
      "2:bad option"
    })
public final class DoctorCommand implements Callable<Integer> {

  static final String VMAF_FIX =
      "VMAF needs an FFmpeg built with --enable-libvmaf; Debian's ffmpeg has none: use a static "
          + "build with libvmaf or build FFmpeg with libvmaf";
  static final String NO_RAPL_FIX =
      "no RAPL on this machine (virtual machines have none): energy is estimated by the"
          + " CPU-utilisation model; give it this machine's real idle and full-load watts with"
          + " bench --idle-watts/--max-watts, or a model fitted by 'ffrtmp calibrate' on a node of"
          + " the same hardware that has RAPL (bench --model-file)";
  static final String RENDER_GROUP_FIX =
      "sudo usermod -aG render,video $USER (then log in again): this user cannot open "
          + "the render node(s) %s";
  static final String GOVERNOR_FIX =
      "sudo cpupower frequency-set -g performance (package linux-cpupower): with a governor that"
          + " moves the clock with load, repeated measurements of the same configuration drift"
          + " apart";
  static final String NO_GPU =
      "no GPU: no NVIDIA device and no /dev/dri render node; hardware encoders (NVENC, QSV, "
          + "VAAPI) cannot run here, software encoders can";
  static final String POSTGRES_FIX =
      "install them with: sudo deploy/install-deps.sh (Debian/Ubuntu: sudo apt-get install "
          + "postgresql), or point ffrtmp at a server with --db postgresql://...";

  /** Configure switches that decide which encoders and metrics a build can offer. */
  private static final Pattern FLAG_OF_INTEREST =
      Pattern.compile(
          "--(enable|disable)-(gpl|nonfree|version3|libx264|libx265"
              + "|libsvtav1|libaom|libvpx|libvmaf|libmfx|libvpl|vaapi|nvenc|ffnvcodec|cuda\\S*|cuvid|libdrm|opencl|vulkan)");

  @Spec CommandSpec spec;

  @Option(
      names = "--ffmpeg",
      paramLabel = "PATH",
      description = "FFmpeg binary (default: ${DEFAULT-VALUE}).",
      defaultValue = "ffmpeg")
  String ffmpeg;

  @Mixin PowerSourceOptions sources;

  @Mixin QualityOptions quality = new QualityOptions();

  @Option(
      names = "--json",
      description = "Print one JSON object with the same content instead of text.")
  boolean json;

  @Override
  public Integer call() {
    CommandLogging.quietPowerLog();
    String problem = quality.check();
    if (problem != null) {
      spec.commandLine().getErr().println(problem);
      spec.commandLine().getErr().flush();
      return 2;
    }
    JsonObject report =
        examine(
            ffmpeg,
            sources.applyTo(PowerConfig.defaults()),
            HardwareProbe.system(),
            EmbeddedPostgres.findBinaries());
    if (report.getBoolean("ok") && (quality.scorer() != null || quality.model() != null)) {
      report.put("quality", scorerQuality(ffmpeg, quality.scorer(), quality.model()));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? report.encodePrettily() + "\n" : render(report));
    out.flush();
    if (!report.getBoolean("ok")) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(report.getJsonObject("ffmpeg").getString("error"));
      err.flush();
    }
    return report.getBoolean("ok") ? 0 : 1;
  }

  /**
   * Blocking: runs FFmpeg probes (a few seconds) and reads procfs/sysfs.
   *
   * @param postgresBinaries where the PostgreSQL server binaries were found ({@link
   *     EmbeddedPostgres#findBinaries()})
   */
  static JsonObject examine(
      String ffmpeg, PowerConfig power, HardwareProbe probe, Optional<Path> postgresBinaries) {
    return examine(ffmpeg, power, probe, postgresBinaries, GstInfo.probe());
  }

  /** As above, with GStreamer as probed (or made up by a test). */
  static JsonObject examine(
      String ffmpeg,
      PowerConfig power,
      HardwareProbe probe,
      Optional<Path> postgresBinaries,
      GstInfo gst) {
    Optional<FfmpegInfo> info;
    JsonObject ffmpegSection = new JsonObject().put("binary", ffmpeg);
    try {
      FfmpegInfo i = FfmpegInfo.probe(ffmpeg);
      info = Optional.of(i);
      ffmpegSection
          .put("works", true)
          .put("version", i.version())
          .put("configure_flags", new JsonArray(flagsOfInterest(i.configuration())));
    } catch (FfmpegInfo.MissingException e) {
      info = Optional.empty();
      ffmpegSection
          .put("works", false)
          .put("error", e.getMessage())
          .put("fix", FfmpegInfo.INSTALL_HINT);
    }
    List<EncoderCheck> encoders = info.map(EncoderProbe::encoders).orElse(List.of());
    List<GpuDevice> gpus = probe.gpus();
    CpuFacts cpu = probe.cpu();
    JsonObject report =
        new JsonObject()
            .put("ffmpeg", ffmpegSection)
            .put("encoders", new JsonArray(encoders.stream().map(EncoderCheck::toJson).toList()))
            .put("gstreamer", gstreamer(gst))
            .put("quality", quality(info))
            .put("power", power(power))
            .put("gpus", gpuSection(gpus, encoders))
            .put("postgresql", postgres(postgresBinaries))
            .put("cpu", cpuSection(cpu))
            .put("ok", info.isPresent());
    return report.put("summary", summary(report, encoders, gpus));
  }

  /**
   * The second engine: its version and, by role, the elements ffrtmp's pipelines use. Optional: a
   * node without it runs FFmpeg jobs; GStreamer jobs fail there with the install command.
   */
  static JsonObject gstreamer(GstInfo gst) {
    JsonObject encoders = new JsonObject();
    for (Encoder e : Encoder.values()) {
      GstCommand.encoderElement(e).ifPresent(el -> encoders.put(e.ffmpegName(), el));
    }
    JsonObject section =
        new JsonObject()
            .put("binary", gst.launch())
            .put("works", gst.usable())
            .put("version", gst.version())
            .put("encoders", presence(gst, encoders))
            .put("muxers", presence(gst, List.of("matroskamux", "flvmux", "mpegtsmux")))
            .put("protocols", presence(gst, List.of("rtmp2src", "rtmp2sink", "srtsrc", "srtsink")))
            .put("missing", new JsonArray(gst.usable() ? gst.missing() : List.of()));
    if (!gst.usable()) {
      section.put("error", gst.problem()).put("fix", GstInfo.INSTALL_HINT);
    } else if (!gst.missing().isEmpty()) {
      section.put("fix", GstInfo.INSTALL_HINT);
    }
    return section;
  }

  /** {element: present} for each; {@code byName} maps a spec name to its element. */
  private static JsonObject presence(GstInfo gst, Object elements) {
    JsonObject out = new JsonObject();
    if (elements instanceof JsonObject byName) {
      byName.forEach(
          e ->
              out.put(
                  e.getKey(),
                  new JsonObject()
                      .put("element", e.getValue())
                      .put("present", gst.has((String) e.getValue()))));
    } else {
      for (Object e : (List<?>) elements) {
        out.put((String) e, gst.has((String) e));
      }
    }
    return out;
  }

  static List<String> flagsOfInterest(String configuration) {
    return Arrays.stream(configuration.split("\\s+"))
        .filter(f -> FLAG_OF_INTEREST.matcher(f).matches())
        .toList();
  }

  /**
   * The quality section for a separate scorer ({@code --quality-ffmpeg}) or model ({@code
   * --vmaf-model}): what the quality pass of a worker started with the same flags would use.
   */
  static JsonObject scorerQuality(String ffmpeg, String scorerBinary, Path model) {
    FfmpegInfo encoding = FfmpegInfo.probe(ffmpeg);
    JsonObject q = new JsonObject();
    try {
      FfmpegInfo scoring = scorerBinary == null ? encoding : FfmpegInfo.probe(scorerBinary);
      Scorer scorer = Scorer.probe(encoding, scoring, model);
      JsonObject v = scorer.vmaf().toJson().put("model", scorer.vmafModelName());
      if (!scorer.vmaf().works()) {
        v.put(
            "fix",
            scorer.vmaf().listed()
                ? "give the scorer a VMAF model file it can load: --vmaf-model PATH (.pkl for"
                    + " libvmaf 1.x, .json for 2.x)"
                : VMAF_FIX);
      }
      return q.put("psnr", true).put("ssim", true).put("scorer", scorer.toJson()).put("vmaf", v);
    } catch (FfmpegInfo.MissingException e) {
      return q.put("psnr", false)
          .put("ssim", false)
          .put("scorer", new JsonObject().put("binary", scorerBinary).put("error", e.getMessage()))
          .put(
              "vmaf",
              new JsonObject()
                  .put("listed", false)
                  .put("works", false)
                  .put("reason", "the scoring FFmpeg does not run: " + e.getMessage())
                  .put("fix", "give --quality-ffmpeg the path of an FFmpeg that runs"));
    }
  }

  private static JsonObject quality(Optional<FfmpegInfo> info) {
    // psnr and ssim are built into every FFmpeg; only libvmaf is an optional library.
    JsonObject q = new JsonObject().put("psnr", info.isPresent()).put("ssim", info.isPresent());
    VmafCheck vmaf =
        info.map(i -> EncoderProbe.vmaf(i.binary()))
            .orElse(new VmafCheck(false, false, "FFmpeg does not run"));
    JsonObject v = vmaf.toJson();
    if (!vmaf.works()) {
      v.put("fix", VMAF_FIX);
    }
    info.ifPresent(
        i ->
            q.put(
                "scorer",
                new JsonObject()
                    .put("binary", i.binary())
                    .put("version", i.version())
                    .put("separate", false)));
    return q.put("vmaf", v);
  }

  private static JsonObject power(PowerConfig config) {
    Path powercapRoot = config.powercapRoot();
    JsonObject p = new JsonObject().put("powercap_root", powercapRoot.toString());
    JsonArray sources = new JsonArray();
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      p.put("provenance", meter.provenance());
      for (SourceStatus s : meter.sources()) {
        sources.add(
            new JsonObject()
                .put("name", s.name())
                .put("path", s.path())
                .put("usable", s.usable())
                .put("detail", s.detail())
                .put("fix", s.fix()));
      }
      if ("estimated".equals(meter.provenance())) {
        p.put(
            "fix",
            Files.isDirectory(powercapRoot)
                ? "RAPL is present but no zone in scope can be read: apply the fix named with each"
                    + " zone (or run as root); until then energy is estimated by the"
                    + " CPU-utilisation model"
                : NO_RAPL_FIX);
      }
    } catch (RuntimeException e) {
      p.put("provenance", "unavailable")
          .put("error", e.getMessage())
          .put(
              "fix",
              "mount procfs at /proc (the CPU-utilisation model reads /proc/stat) or make RAPL"
                  + " readable");
    }
    return p.put("sources", sources);
  }

  static JsonObject gpuSection(List<GpuDevice> gpus, List<EncoderCheck> encoders) {
    JsonArray fixes = new JsonArray();
    List<String> locked =
        gpus.stream()
            .filter(g -> g.isRenderNode() && !g.accessible())
            .map(GpuDevice::devicePath)
            .toList();
    if (!locked.isEmpty()) {
      fixes.add(String.format(RENDER_GROUP_FIX, String.join(", ", locked)));
    }
    boolean nvidiaDevice =
        gpus.stream().anyMatch(g -> g.isNvidia() && g.devicePresent() && !g.isRenderNode());
    Optional<EncoderCheck> nvenc = failing(encoders, "h264_nvenc");
    if (nvidiaDevice && nvenc.isPresent()) {
      fixes.add(
          "NVIDIA device present but NVENC does not work ("
              + nvenc.get().reason()
              + "): install the NVIDIA driver's user-space libraries matching the kernel module"
              + " (libcuda.so.1, libnvidia-encode.so.1; Debian: sudo apt-get install nvidia-driver"
              + " libnvidia-encode1), check with nvidia-smi; in a container run with --gpus all and"
              + " NVIDIA_DRIVER_CAPABILITIES=video,compute,utility");
    }
    boolean usableRenderNode =
        gpus.stream().anyMatch(g -> g.isRenderNode() && g.accessible() && !g.isNvidia());
    Optional<EncoderCheck> vaapi = failing(encoders, "h264_vaapi");
    if (usableRenderNode && vaapi.isPresent()) {
      fixes.add(
          "a render node is accessible but VAAPI does not work ("
              + vaapi.get().reason()
              + "): install the VA-API driver (Intel: intel-media-va-driver-non-free or"
              + " i965-va-driver; AMD: mesa-va-drivers) and check with vainfo");
    }
    JsonObject g =
        new JsonObject()
            .put("devices", new JsonArray(gpus.stream().map(GpuDevice::toJson).toList()))
            .put("fixes", fixes);
    if (gpus.isEmpty()) {
      g.put("note", NO_GPU);
    }
    return g;
  }

  private static Optional<EncoderCheck> failing(List<EncoderCheck> encoders, String name) {
    return encoders.stream()
        .filter(e -> e.encoder().ffmpegName().equals(name) && e.listed() && !e.works())
        .findFirst();
  }

  private static JsonObject postgres(Optional<Path> bin) {
    JsonObject p = new JsonObject().put("binaries", bin.map(Path::toString).orElse(null));
    if (bin.isEmpty()) {
      p.put("fix", "PostgreSQL server binaries (initdb, pg_ctl) not found: " + POSTGRES_FIX);
    }
    return p;
  }

  private static JsonObject cpuSection(CpuFacts cpu) {
    JsonObject c = cpu.toJson();
    if (!cpu.governorIsPerformance()) {
      c.put(
          "fix",
          CpuFacts.UNKNOWN.equals(cpu.governor())
              ? "no cpufreq governor is exposed (a virtual machine, or no cpufreq driver): the"
                  + " clock is the host's choice; where cpufreq exists: "
                  + GOVERNOR_FIX
              : GOVERNOR_FIX);
    }
    return c;
  }

  private static String summary(
      JsonObject report, List<EncoderCheck> encoders, List<GpuDevice> gpus) {
    if (!report.getBoolean("ok")) {
      return "FFmpeg does not run ('"
          + report.getJsonObject("ffmpeg").getString("binary")
          + "'): this node cannot run jobs; "
          + FfmpegInfo.INSTALL_HINT;
    }
    List<String> working =
        encoders.stream().filter(EncoderCheck::works).map(e -> e.encoder().ffmpegName()).toList();
    JsonObject power = report.getJsonObject("power");
    List<String> parts = new ArrayList<>();
    parts.add(
        "ready: "
            + working.size()
            + " of "
            + encoders.size()
            + " encoders work ("
            + String.join(", ", working)
            + ")");
    parts.add("energy " + power.getString("provenance"));
    parts.add(
        report.getJsonObject("quality").getJsonObject("vmaf").getBoolean("works")
            ? "VMAF yes"
            : "VMAF no (PSNR, SSIM)");
    parts.add(gpus.isEmpty() ? "no GPU" : gpus.size() + " GPU device(s)");
    parts.add(
        report.getJsonObject("postgresql").getString("binaries") == null
            ? "no PostgreSQL binaries (use --db)"
            : "PostgreSQL binaries found");
    long fixes = countFixes(report);
    parts.add(fixes == 0 ? "nothing to fix" : fixes + " fix(es) above");
    return String.join("; ", parts);
  }

  private static long countFixes(JsonObject report) {
    long n = 0;
    n += report.getJsonObject("quality").getJsonObject("vmaf").containsKey("fix") ? 1 : 0;
    n += report.getJsonObject("power").containsKey("fix") ? 1 : 0;
    n += report.getJsonObject("gpus").getJsonArray("fixes").size();
    n += report.getJsonObject("postgresql").containsKey("fix") ? 1 : 0;
    n += report.getJsonObject("gstreamer").containsKey("fix") ? 1 : 0;
    n += report.getJsonObject("cpu").containsKey("fix") ? 1 : 0;
    return n;
  }

  /** The text view of a report from {@link #examine}. */
  static String render(JsonObject r) {
    StringBuilder out = new StringBuilder();
    JsonObject f = r.getJsonObject("ffmpeg");
    out.append("FFmpeg\n");
    line(out, "binary", f.getString("binary"));
    if (f.getBoolean("works")) {
      line(out, "version", f.getString("version"));
      line(
          out,
          "configure",
          f.getJsonArray("configure_flags").stream()
                  .map(Object::toString)
                  .collect(Collectors.joining(" "))
              + " (VAAPI and NVENC are auto-detected and need no flag)");
    } else {
      line(out, "error", f.getString("error"));
      sectionFix(out, f.getString("fix"));
    }

    out.append("\nEncoders (one-frame probe with the job's own device flags and filters)\n");
    JsonArray encoders = r.getJsonArray("encoders");
    if (encoders.isEmpty()) {
      out.append("  not probed: FFmpeg does not run\n");
    } else {
      out.append(encoderTable(encoders)).append('\n');
    }

    JsonObject gs = r.getJsonObject("gstreamer");
    out.append("\nGStreamer (the second engine; optional)\n");
    line(out, "binary", gs.getString("binary"));
    if (gs.getBoolean("works")) {
      line(out, "version", gs.getString("version"));
      line(
          out,
          "encoders",
          gs.getJsonObject("encoders").stream()
              .map(
                  e -> {
                    JsonObject el = (JsonObject) e.getValue();
                    return el.getString("element")
                        + " ("
                        + e.getKey()
                        + ") "
                        + yesNo(el.getBoolean("present"));
                  })
              .collect(Collectors.joining(", ")));
      line(out, "muxers", presenceLine(gs.getJsonObject("muxers")));
      line(out, "protocols", presenceLine(gs.getJsonObject("protocols")));
      if (!gs.getJsonArray("missing").isEmpty()) {
        line(
            out,
            "missing",
            gs.getJsonArray("missing").stream()
                .map(Object::toString)
                .collect(Collectors.joining(", ")));
      }
    } else {
      line(out, "error", gs.getString("error"));
    }
    sectionFix(out, gs.getString("fix"));

    JsonObject q = r.getJsonObject("quality");
    JsonObject vmaf = q.getJsonObject("vmaf");
    out.append("\nQuality\n");
    JsonObject scorer = q.getJsonObject("scorer");
    if (scorer != null) {
      line(
          out,
          "scorer",
          scorer.getString("binary")
              + (scorer.getString("version") == null
                  ? ""
                  : " (" + scorer.getString("version") + ")")
              + (Boolean.TRUE.equals(scorer.getBoolean("separate"))
                  ? ", separate from the encoding FFmpeg"
                  : ""));
    }
    line(out, "PSNR, SSIM", q.getBoolean("psnr") ? "yes" : "no");
    line(out, "VMAF", vmaf.getBoolean("works") ? "yes" : "no: " + vmaf.getString("reason"));
    sectionFix(out, vmaf.getString("fix"));

    JsonObject p = r.getJsonObject("power");
    out.append("\nPower sources (").append(p.getString("powercap_root")).append(")\n");
    line(out, "energy", p.getString("provenance"));
    for (Object o : p.getJsonArray("sources")) {
      JsonObject s = (JsonObject) o;
      line(
          out,
          s.getString("name"),
          (s.getBoolean("usable") ? "usable" : "unusable")
              + ": "
              + s.getString("detail")
              + " ["
              + s.getString("path")
              + "]");
      fix(out, s.getString("fix"));
    }
    if (p.containsKey("error")) {
      line(out, "error", p.getString("error"));
    }
    sectionFix(out, p.getString("fix"));

    JsonObject g = r.getJsonObject("gpus");
    out.append("\nGPUs and render nodes\n");
    for (Object o : g.getJsonArray("devices")) {
      JsonObject d = (JsonObject) o;
      line(
          out,
          d.getString("device"),
          d.getString("vendor")
              + " "
              + d.getString("model")
              + (d.getBoolean("device_present") ? "" : ", device file missing")
              + (d.getBoolean("accessible") ? ", accessible" : ", not accessible to this user"));
    }
    if (g.containsKey("note")) {
      out.append("  ").append(g.getString("note")).append('\n');
    }
    g.getJsonArray("fixes").forEach(x -> sectionFix(out, x.toString()));

    JsonObject pg = r.getJsonObject("postgresql");
    out.append("\nPostgreSQL server binaries\n");
    line(
        out, "binaries", pg.getString("binaries") == null ? "not found" : pg.getString("binaries"));
    sectionFix(out, pg.getString("fix"));

    JsonObject c = r.getJsonObject("cpu");
    out.append("\nCPU\n");
    line(out, "model", c.getString("model"));
    line(out, "sockets", String.valueOf(c.getInteger("sockets")));
    line(out, "cores/threads", c.getInteger("physical_cores") + "/" + c.getInteger("threads"));
    line(
        out,
        "memory",
        c.getLong("memory_mb") == null ? "unknown" : c.getLong("memory_mb") + " MiB");
    line(out, "governor", c.getString("governor"));
    sectionFix(out, c.getString("fix"));

    out.append("\nSummary: ").append(r.getString("summary")).append('\n');
    return out.toString();
  }

  private static String presenceLine(JsonObject present) {
    return present.stream()
        .map(e -> e.getKey() + " " + yesNo((Boolean) e.getValue()))
        .collect(Collectors.joining(", "));
  }

  private static String encoderTable(JsonArray encoders) {
    String[] headers = {"Encoder", "Codec", "Hardware", "Listed", "Works", "Reason"};
    Column[] columns =
        Arrays.stream(headers)
            .map(h -> new Column().header(h).dataAlign(HorizontalAlign.LEFT))
            .toArray(Column[]::new);
    columns[5].maxWidth(70);
    Object[][] rows =
        encoders.stream()
            .map(o -> (JsonObject) o)
            .map(
                e ->
                    new Object[] {
                      e.getString("encoder"),
                      e.getString("codec"),
                      e.getString("hardware"),
                      yesNo(e.getBoolean("listed")),
                      yesNo(e.getBoolean("works")),
                      e.getString("reason") == null ? "" : e.getString("reason")
                    })
            .toArray(Object[][]::new);
    return AsciiTable.getTable(AsciiTable.BASIC_ASCII_NO_DATA_SEPARATORS, columns, rows);
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }

  private static void line(StringBuilder out, String label, String value) {
    out.append("  ").append(String.format("%-14s", label)).append(' ').append(value).append('\n');
  }

  /** A fix for one item (a power zone), indented under it. */
  private static void fix(StringBuilder out, String fix) {
    if (fix != null) {
      out.append("    fix: ").append(fix).append('\n');
    }
  }

  /** A fix for the section as a whole. */
  private static void sectionFix(StringBuilder out, String fix) {
    if (fix != null) {
      out.append("  fix: ").append(fix).append('\n');
    }
  }
}
