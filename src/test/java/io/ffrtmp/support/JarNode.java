package io.ffrtmp.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A node of the fat jar ({@code target/ffrtmp.jar}) as its own process, as an operator runs it:
 * output in {@code NAME.out} and {@code NAME.log} of the test's directory, started once it prints
 * its "... Ctrl-C or SIGTERM" line, stopped with SIGTERM.
 */
public final class JarNode implements AutoCloseable {

  public static final Path JAR = FatJar.JAR;

  public final String name;
  private final Path dir;
  private final Process process;

  private JarNode(String name, Path dir, Process process) {
    this.name = name;
    this.dir = dir;
    this.process = process;
  }

  /** Runs {@code java -jar ffrtmp.jar ARGS} in {@code dir} and waits until it says it runs. */
  public static JarNode start(String name, Path dir, List<String> args) throws Exception {
    List<String> cmd = FatJar.node(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".log").toFile());
    pb.environment().put("FFRTMP_LOG_LEVEL", "INFO");
    JarNode node = new JarNode(name, dir, pb.start());
    try {
      node.awaitRunning(Duration.ofSeconds(180));
    } catch (Exception | AssertionError e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void awaitRunning(Duration limit) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (output().lines().noneMatch(l -> l.contains("Ctrl-C or SIGTERM"))) {
      if (!process.isAlive()) {
        throw new AssertionError(
            name + " exited with " + process.exitValue() + ":\n" + output() + "\n" + log());
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(
            name + " did not start within " + limit.toSeconds() + " s:\n" + output() + log());
      }
      Thread.sleep(200);
    }
  }

  /** What it printed on stdout. */
  public String output() {
    return read(dir.resolve(name + ".out"));
  }

  public String log() {
    return read(dir.resolve(name + ".log"));
  }

  /**
   * The rest of the first output line that holds {@code marker}, up to the next space or ';' ("API
   * at " gives the URL).
   */
  public Optional<String> printed(String marker) {
    for (String l : output().lines().toList()) {
      int i = l.indexOf(marker);
      if (i >= 0) {
        String rest = l.substring(i + marker.length());
        return Optional.of(rest.split("[ ;]", 2)[0]);
      }
    }
    return Optional.empty();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** SIGTERM, so the node leaves cleanly; SIGKILL after a minute. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
