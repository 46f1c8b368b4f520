package io.ffrtmp.worker.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What the local GStreamer is: its version and which of the elements {@link GstCommand} builds
 * pipelines from are installed (one {@code gst-inspect-1.0} listing, read like {@code ffmpeg
 * -encoders}). GStreamer is optional: a node without it runs FFmpeg jobs and fails GStreamer ones
 * with the install command. Blocking.
 *
 * @param launch the {@code gst-launch-1.0} binary
 * @param version "GStreamer 1.22.0", or null when GStreamer is not installed
 * @param elements which of {@link GstCommand#ELEMENTS} this installation has
 * @param problem why GStreamer cannot be used; null when it can
 */
public record GstInfo(String launch, String version, Set<String> elements, String problem) {

  public static final String DEFAULT_LAUNCH = "gst-launch-1.0";

  public static final String INSTALL_HINT =
      "install it with: sudo deploy/install-deps.sh (Debian/Ubuntu: sudo apt-get install"
          + " gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good"
          + " gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav)";

  public GstInfo {
    elements = Set.copyOf(elements);
  }

  /** GStreamer as this node has it: never throws; a missing installation is a {@code problem}. */
  public static GstInfo probe() {
    return probe(DEFAULT_LAUNCH);
  }

  public static GstInfo probe(String launch) {
    Path bin = Path.of(launch);
    String inspect =
        bin.getParent() == null
            ? "gst-inspect-1.0"
            : bin.resolveSibling("gst-inspect-1.0").toString();
    List<String> version = run(List.of(launch, "--version"));
    if (version == null) {
      return new GstInfo(
          launch, null, Set.of(), "GStreamer not found ('" + launch + "'); " + INSTALL_HINT);
    }
    String v =
        version.stream()
            .filter(l -> l.startsWith("GStreamer "))
            .findFirst()
            .orElse(version.isEmpty() ? "GStreamer (unknown version)" : version.get(0));
    List<String> listing = run(List.of(inspect));
    if (listing == null) {
      return new GstInfo(launch, v, Set.of(), "'" + inspect + "' cannot be run; " + INSTALL_HINT);
    }
    return new GstInfo(launch, v, elementsIn(listing), null);
  }

  /**
   * The elements ffrtmp uses among the lines of a {@code gst-inspect-1.0} listing ({@code "x264:
   * x264enc: x264 H.264 Encoder"}).
   */
  static Set<String> elementsIn(List<String> listing) {
    Set<String> found = new TreeSet<>();
    for (String line : listing) {
      String[] parts = line.split(":\\s+", 3);
      if (parts.length == 3 && GstCommand.ELEMENTS.contains(parts[1].trim())) {
        found.add(parts[1].trim());
      }
    }
    return found;
  }

  public boolean usable() {
    return problem == null;
  }

  public boolean has(String element) {
    return elements.contains(element);
  }

  /** Elements ffrtmp would use that this installation lacks. */
  public List<String> missing() {
    List<String> m = new ArrayList<>();
    for (String e : GstCommand.ELEMENTS) {
      if (!elements.contains(e)) {
        m.add(e);
      }
    }
    return m;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("binary", launch)
        .put("version", version)
        .put("available", usable())
        .put("elements", new JsonArray(List.copyOf(new TreeSet<>(elements))))
        .put("missing", new JsonArray(missing()))
        .put("problem", problem);
  }

  /** The command's output lines, or null when it cannot be run or fails. */
  private static List<String> run(List<String> cmd) {
    Path out = null;
    try {
      out = Files.createTempFile("ffrtmp-gst", ".txt");
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      // The first gst-inspect of a machine builds the plugin registry: seconds, not milliseconds.
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? Files.readAllLines(out, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // A leftover listing in the temp directory is harmless.
        }
      }
    }
  }
}
