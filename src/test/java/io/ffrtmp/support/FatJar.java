package io.ffrtmp.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that runs the fat jar in a JVM of its own, as a user would. */
public final class FatJar {

  public static final Path JAR = Path.of("target", "ffrtmp.jar");

  private FatJar() {}

  /**
   * {@code java JVM_OPTIONS -jar target/ffrtmp.jar ARGS}, with this JVM's java.
   *
   * @throws IllegalStateException when the jar has not been built
   */
  public static List<String> command(List<String> jvmOptions, List<String> args) {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(
          JAR + " is missing: run the tests with 'mvn verify' (the jar is built in 'package')");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-jar");
    cmd.add(JAR.toAbsolutePath().toString());
    cmd.addAll(args);
    return cmd;
  }

  /** A small node: 384 MiB of heap and the quick compiler, so several fit on a test machine. */
  public static List<String> node(List<String> args) {
    return command(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"), args);
  }
}
