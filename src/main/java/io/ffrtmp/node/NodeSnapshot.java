package io.ffrtmp.node;

import io.ffrtmp.worker.engine.FfmpegInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The node's hardware and software, recorded with every result so figures can be compared across machines. Blocking. */
public final class NodeSnapshot {

  private NodeSnapshot() {
  }

  public static JsonObject capture(FfmpegInfo ffmpeg, JsonArray powerSources) {
    return new JsonObject()
      .put("hostname", hostname())
      .put("cpu_model", cpuModel().orElse("unknown"))
      .put("logical_cpus", Runtime.getRuntime().availableProcessors())
      .put("memory_mb", memoryMb().orElse(null))
      .put("governor", readFirstLine(Path.of("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")).orElse("unknown"))
      .put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"))
      .put("os", readOsRelease().orElse("unknown"))
      .put("java", System.getProperty("java.vm.name") + " " + Runtime.version())
      .put("ffmpeg_version", ffmpeg.version())
      .put("ffmpeg_configuration", ffmpeg.configuration())
      .put("encoders", new JsonArray(List.copyOf(ffmpeg.encoders())))
      .put("power_sources", powerSources);
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  static Optional<String> cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith("model name") || l.startsWith("Model") || l.startsWith("Hardware"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static Optional<Long> memoryMb() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith("MemTotal:"))
        .map(l -> Long.parseLong(l.replaceAll("\\D+", "")) / 1024)
        .findFirst();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> readOsRelease() {
    try {
      return Files.readAllLines(Path.of("/etc/os-release"), StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith("PRETTY_NAME="))
        .map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", ""))
        .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> readFirstLine(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8).stream().findFirst().map(String::trim);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
