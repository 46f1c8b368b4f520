package io.ffrtmp.monitoring;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The external programs the deploy/ tests run, found on PATH, and their runs. */
final class DeployTools {

  static final String PROMTOOL_FIX =
      "promtool is missing: run 'sudo apt-get install -y prometheus' (or deploy/install-deps.sh)";
  static final String VICTORIA_METRICS_FIX =
      "victoria-metrics and vmalert are missing: run 'sudo apt-get install -y victoria-metrics' (or"
          + " deploy/install-deps.sh)";
  static final String SYSTEMD_FIX =
      "systemd-analyze is missing: run 'sudo apt-get install -y systemd' (or"
          + " deploy/install-test-deps.sh)";

  /** What a program printed (stdout and stderr together) and how it ended. */
  record Run(int exitCode, String output) {}

  private DeployTools() {}

  /** The program on PATH, or the test fails with the command that installs it. */
  static Path require(String name, String fix) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return fail(fix);
  }

  static Run run(List<String> command) throws IOException, InterruptedException {
    return run(command, Map.of(), 120);
  }

  /** Runs to the end (at most {@code limitSeconds}, then killed and failed) with env changes. */
  static Run run(List<String> command, Map<String, String> env, long limitSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[][] out = new byte[1][];
    Thread reader =
        new Thread(
            () -> {
              try {
                out[0] = p.getInputStream().readAllBytes();
              } catch (IOException e) {
                out[0] = ("(output unreadable: " + e + ")").getBytes(StandardCharsets.UTF_8);
              }
            });
    reader.start();
    if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      reader.join(5_000);
      return fail(command + " did not end within " + limitSeconds + " s");
    }
    reader.join();
    return new Run(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
  }
}
