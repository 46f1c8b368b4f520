package io.ffrtmp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.Main;
import io.ffrtmp.power.PowerCalibration;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ffrtmp calibrate} as a user runs it on this machine (a VM: no RAPL, no hwmon). */
class CalibrateCommandTest {

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private static Run calibrate(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "calibrate";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Run(cli.execute(all), out.toString(), err.toString());
  }

  @Test
  void refusesOnAMachineWithoutRaplAndNamesTheFix() throws Exception {
    // An empty powercap root, no perf power PMU and no hwmon: what an operator on a RAPL-less VM
    // sees, whatever
    // machine runs the test.
    Path noRapl = Files.createDirectories(dir.resolve("no-powercap"));
    Path noHwmon = Files.createDirectories(dir.resolve("no-hwmon"));
    Path noPerf = Files.createDirectories(dir.resolve("no-perf"));
    Path model = dir.resolve("power-model.json");

    Run run =
        calibrate(
            "--step-s",
            "1",
            "--levels",
            "0,100",
            "--out",
            model.toString(),
            "--powercap-root",
            noRapl.toString(),
            "--hwmon-root",
            noHwmon.toString(),
            "--perf-root",
            noPerf.toString());

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.err())
        .contains(PowerCalibration.NO_ENERGY_SOURCE)
        .contains(
            "run calibrate on a node of the same hardware that has one and copy the model file");
    assertThat(Files.exists(model)).isFalse();
  }

  @Test
  void badLevelsAndStepAreUsageErrorsNamingTheOption() {
    Run outOfRange = calibrate("--levels", "0,50,150", "--out", dir.resolve("m.json").toString());
    assertThat(outOfRange.exit()).isEqualTo(2);
    assertThat(outOfRange.err()).contains("--levels").contains("0..100");

    Run single = calibrate("--levels", "50,50");
    assertThat(single.exit()).isEqualTo(2);
    assertThat(single.err()).contains("--levels").contains("two different");

    Run notNumbers = calibrate("--levels", "low,high");
    assertThat(notNumbers.exit()).isEqualTo(2);
    assertThat(notNumbers.err()).contains("--levels");

    Run shortStep = calibrate("--step-s", "0.5");
    assertThat(shortStep.exit()).isEqualTo(2);
    assertThat(shortStep.err()).contains("--step-s").contains("at least 1 second");
  }
}
