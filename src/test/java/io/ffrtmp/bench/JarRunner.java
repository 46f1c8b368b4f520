package io.ffrtmp.bench;

import io.ffrtmp.support.FatJar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the fat jar as a user would: a separate JVM, its exit code, stdout and stderr. */
final class JarRunner {

  static final Path JAR = FatJar.JAR;

  record Run(int exitCode, String stdout, String stderr) {}

  static Process start(Path workDir, String... args) throws IOException {
    List<String> cmd = FatJar.command(List.of("-Xmx512m"), List.of(args));
    return new ProcessBuilder(cmd)
        .directory(workDir.toFile())
        .redirectOutput(workDir.resolve("stdout.txt").toFile())
        .redirectError(workDir.resolve("stderr.txt").toFile())
        .start();
  }

  static Run run(Path workDir, long timeoutS, String... args) throws Exception {
    Process p = start(workDir, args);
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "ffrtmp "
              + String.join(" ", args)
              + " did not finish in "
              + timeoutS
              + " s; stderr:\n"
              + Files.readString(workDir.resolve("stderr.txt")));
    }
    return finished(workDir, p);
  }

  static Run finished(Path workDir, Process p) throws IOException {
    return new Run(
        p.exitValue(),
        Files.readString(workDir.resolve("stdout.txt"), StandardCharsets.UTF_8),
        Files.readString(workDir.resolve("stderr.txt"), StandardCharsets.UTF_8));
  }
}
