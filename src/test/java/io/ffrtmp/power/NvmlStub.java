package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds {@code src/test/c/nvml_stub.c} into a libnvidia-ml.so in a test directory and steers it
 * through its control file, whose path is compiled in. The meter loads it through the real JNA
 * binding via {@code PowerConfig.withNvmlLibrary(stub.library())}.
 */
public final class NvmlStub {

  static final Path SOURCE = Path.of("src/test/c/nvml_stub.c");

  private final Path library;
  private final Path control;
  private final Map<String, String> values = new LinkedHashMap<>();

  private NvmlStub(Path library, Path control) {
    this.library = library;
    this.control = control;
  }

  /** Compiles the stub with gcc; fails the test, saying what to install, when gcc is missing. */
  public static NvmlStub build(Path dir) throws IOException, InterruptedException {
    Path control = dir.resolve("nvml-control.txt").toAbsolutePath();
    Path library = dir.resolve("libnvidia-ml.so").toAbsolutePath();
    Files.writeString(control, "");
    ProcessBuilder gcc =
        new ProcessBuilder(
                "gcc",
                "-shared",
                "-fPIC",
                "-O1",
                "-Wall",
                "-DCONTROL_FILE=\"" + control + "\"",
                "-o",
                library.toString(),
                SOURCE.toAbsolutePath().toString())
            .redirectErrorStream(true);
    Process process;
    try {
      process = gcc.start();
    } catch (IOException e) {
      return fail(
          "install gcc (e.g. apt-get install gcc) to build the NVML stub "
              + SOURCE
              + ": "
              + e.getMessage());
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      return fail("gcc could not build " + SOURCE + ":\n" + output);
    }
    return new NvmlStub(library, control);
  }

  public String library() {
    return library.toString();
  }

  /**
   * Sets one control key (e.g. "energy_mj.0") and rewrites the file atomically, since the stub
   * reads it any time.
   */
  public synchronized NvmlStub set(String key, Object value) {
    values.put(key, String.valueOf(value));
    StringBuilder text = new StringBuilder();
    values.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
    try {
      Path tmp = control.resolveSibling(".nvml-control.tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, control, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** One GPU with every reading the stub can give, energy counter at {@code energyMj}. */
  public NvmlStub gpu(int index, String name, long energyMj) {
    return set("name." + index, name.replace(' ', '_'))
        .set("uuid." + index, "GPU-0000000" + index + "-stub")
        .set("energy_mj." + index, energyMj)
        .set("util_gpu." + index, 40 + index)
        .set("util_mem." + index, 10 + index)
        .set("enc." + index, 55 + index)
        .set("dec." + index, 20 + index)
        .set("temp." + index, 61)
        .set("clock." + index + ".0", 1410)
        .set("clock." + index + ".1", 1410)
        .set("clock." + index + ".2", 1215)
        .set("clock." + index + ".3", 1275)
        .set("mem_total." + index, 85_899_345_920L)
        .set("mem_used." + index, 1_073_741_824L)
        .set("mem_free." + index, 84_825_604_096L)
        .set("sessions." + index, 2)
        .set("power_mw." + index, 150_000);
  }
}
