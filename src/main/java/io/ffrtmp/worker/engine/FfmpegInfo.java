package io.ffrtmp.worker.engine;

import io.ffrtmp.job.Encoder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What the local FFmpeg is: version, build line, and which of the encoders ffrtmp drives it lists.
 * Blocking.
 */
public record FfmpegInfo(
    String binary, String version, String configuration, Set<String> encoders, boolean libvmaf) {

  /** FFmpeg is not installed or cannot be run: the message carries the command that installs it. */
  public static final class MissingException extends RuntimeException {
    public MissingException(String message) {
      super(message);
    }
  }

  public static final String INSTALL_HINT =
      "install it with: sudo deploy/install-deps.sh (Debian/Ubuntu: sudo apt-get install ffmpeg), "
          + "or name the binary with --ffmpeg PATH";

  public static FfmpegInfo probe(String binary) {
    List<String> version = run(List.of(binary, "-hide_banner", "-version"), binary);
    List<String> listing = run(List.of(binary, "-hide_banner", "-encoders"), binary);
    boolean libvmaf =
        run(List.of(binary, "-hide_banner", "-filters"), binary).stream()
            .anyMatch(
                l ->
                    l.trim().split("\\s+").length > 1
                        && l.trim().split("\\s+")[1].equals("libvmaf"));
    String first =
        version.isEmpty()
            ? "ffmpeg (unknown version)"
            : version.get(0).replaceFirst("\\s+Copyright.*$", "");
    String config =
        version.stream()
            .filter(l -> l.startsWith("configuration:"))
            .findFirst()
            .map(l -> l.substring("configuration:".length()).trim())
            .orElse("");
    Set<String> known = new TreeSet<>();
    for (String line : listing) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length >= 2 && parts[0].startsWith("V")) {
        Encoder.byName(parts[1]).ifPresent(e -> known.add(e.ffmpegName()));
      }
    }
    return new FfmpegInfo(binary, first, config, known, libvmaf);
  }

  public boolean has(Encoder e) {
    return encoders.contains(e.ffmpegName());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("binary", binary)
        .put("version", version)
        .put("configuration", configuration)
        .put("encoders", new JsonArray(new ArrayList<>(encoders)))
        .put("libvmaf", libvmaf);
  }

  private static List<String> run(List<String> cmd, String binary) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new MissingException("'" + binary + "' did not answer within 30 s; " + INSTALL_HINT);
      }
      if (p.exitValue() != 0) {
        throw new MissingException(
            "'"
                + String.join(" ", cmd)
                + "' failed with exit "
                + p.exitValue()
                + "; "
                + INSTALL_HINT);
      }
      return out.lines().toList();
    } catch (IOException e) {
      throw new MissingException("FFmpeg not found ('" + binary + "'); " + INSTALL_HINT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MissingException("interrupted while probing FFmpeg");
    }
  }
}
