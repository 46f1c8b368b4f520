package io.ffrtmp.cli;

import io.ffrtmp.cli.options.PowerSourceOptions;
import io.ffrtmp.hardware.HardwareProbe;
import io.ffrtmp.node.NodeConfig;
import io.ffrtmp.power.CalibrationPoint;
import io.ffrtmp.power.CalibrationRefusedException;
import io.ffrtmp.power.PowerCalibration;
import io.ffrtmp.power.PowerConfig;
import io.ffrtmp.power.PowerModelFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ffrtmp calibrate}: measures this node's CPU power at several load levels with RAPL and
 * writes the fitted line as a model file, so nodes of the same hardware without RAPL estimate from
 * measured watts.
 */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    description = {
      "Run a CPU load ladder while RAPL measures, fit watts = idle + (max - idle) x utilisation by"
          + " least",
      "squares and write the model file that bench --model-file uses on nodes without RAPL."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:model written",
      "1:refused (no real energy source, or no usable line) or the file could not be " + "written",
      "2:bad option"
    })
public final class CalibrateCommand implements Callable<Integer> {

  static final String MODEL_FILE_NAME = "power-model.json";

  @Spec CommandSpec spec;

  @Mixin PowerSourceOptions sources;

  @Option(
      names = "--step-s",
      paramLabel = "S",
      description = "Seconds measured at each level, at least 1 (default: " + "${DEFAULT-VALUE}).",
      defaultValue = "10")
  double stepSeconds;

  @Option(
      names = "--levels",
      paramLabel = "L,L,...",
      split = ",",
      description =
          "Duty cycles in percent, 0..100, at "
              + "least two different (default: ${DEFAULT-VALUE}).",
      defaultValue = "0,25,50,75,100")
  List<Integer> levels;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Data directory; the model goes to "
              + "DIR/"
              + MODEL_FILE_NAME
              + " unless --out is given (default: $FFRTMP_DATA_DIR, else /var/lib/ffrtmp for root, "
              + "else $XDG_DATA_HOME/ffrtmp or ~/.local/share/ffrtmp).")
  Path dataDir;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Model file to write (default: <data-dir>/" + MODEL_FILE_NAME + ").")
  Path out;

  @Option(
      names = "--json",
      description = "Print the model file's JSON (with \"file\") instead of text.")
  boolean json;

  @Override
  public Integer call() {
    validate();
    CommandLogging.quietPowerLog();
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    Path target =
        out != null
            ? out
            : (dataDir != null ? dataDir : NodeConfig.defaultDataDir()).resolve(MODEL_FILE_NAME);
    // GPUs are not part of the CPU line, so NVML is not even loaded.
    PowerConfig config = sources.applyTo(PowerConfig.defaults()).withNvmlLibrary(null);
    Duration step = Duration.ofMillis(Math.round(stepSeconds * 1000));
    if (!json) {
      stdout.printf(
          "calibrating: levels %s %%, %.0f s each (about %.0f s)%n",
          levels, stepSeconds, levels.size() * (stepSeconds + 0.25));
      stdout.flush();
    }
    PowerModelFile model;
    try {
      model =
          PowerCalibration.run(
              config, levels, step, HardwareProbe.system().cpu().model(), p -> progress(stdout, p));
    } catch (CalibrationRefusedException e) {
      stderr.println("calibrate: " + e.getMessage());
      stderr.flush();
      return 1;
    }
    try {
      model = model.write(target);
    } catch (IOException e) {
      stderr.println(
          "calibrate: cannot write "
              + target
              + ": "
              + e
              + " (choose a writable --out or --data-dir)");
      stderr.flush();
      return 1;
    }
    stdout.print(
        json
            ? model.toJson().put("file", model.file().toString()).encodePrettily() + "\n"
            : render(model));
    stdout.flush();
    return 0;
  }

  private void validate() {
    if (levels.stream().anyMatch(l -> l < 0 || l > 100)) {
      throw new ParameterException(
          spec.commandLine(), "--levels: each level must be 0..100 percent, got " + levels);
    }
    if (levels.stream().distinct().count() < 2) {
      throw new ParameterException(
          spec.commandLine(),
          "--levels: need at least two different levels to fit a line, " + "got " + levels);
    }
    if (!(stepSeconds >= 1)) {
      throw new ParameterException(
          spec.commandLine(), "--step-s: must be at least 1 second, got " + stepSeconds);
    }
  }

  private void progress(PrintWriter stdout, CalibrationPoint p) {
    if (!json) {
      stdout.printf(
          "  level %3d %%: utilisation %.3f, %.2f W (sd %.2f W)%n",
          p.levelPercent(), p.utilisation(), p.watts(), p.sdWatts());
      stdout.flush();
    }
  }

  static String render(PowerModelFile m) {
    return String.format(
        "model written to %s%n  idle      %.2f W%n  full load %.2f W%n  fit       R² %.4f, RMSE"
            + " %.2f W, max error %.2f W over %d points%n  source    %s %s on %s (%d logical"
            + " CPUs)%nuse it on nodes of the same hardware without RAPL: bench --model-file %s%n",
        m.file(),
        m.idleWatts(),
        m.maxWatts(),
        m.r2(),
        m.rmseWatts(),
        m.maxAbsErrorWatts(),
        m.points().size(),
        m.source(),
        m.zones(),
        m.cpuModel(),
        m.logicalCpus(),
        m.file());
  }
}
