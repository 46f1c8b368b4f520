package io.ffrtmp.worker;

import io.ffrtmp.hardware.CpuFacts;
import io.ffrtmp.hardware.GpuDevice;
import io.ffrtmp.hardware.HardwareProbe;
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

/**
 * The node's hardware and software, recorded with every result so figures can be compared across
 * machines. Blocking.
 */
public final class NodeSnapshot {

  private NodeSnapshot() {}

  public static JsonObject capture(FfmpegInfo ffmpeg, JsonArray powerSources) {
    return capture(HardwareProbe.system(), ffmpeg, powerSources);
  }

  /**
   * File reads only: encoder probes take seconds and belong to {@code ffrtmp doctor}, not to every
   * job result.
   */
  static JsonObject capture(HardwareProbe probe, FfmpegInfo ffmpeg, JsonArray powerSources) {
    CpuFacts cpu = probe.cpu();
    return new JsonObject()
        .put("hostname", hostname())
        .put("cpu_model", cpu.model())
        .put("cpu_sockets", cpu.sockets())
        .put("cpu_physical_cores", cpu.physicalCores())
        .put("cpu_threads", cpu.threads())
        .put("logical_cpus", Runtime.getRuntime().availableProcessors())
        .put("memory_mb", cpu.memoryMb())
        .put("governor", cpu.governor())
        .put("gpus", new JsonArray(probe.gpus().stream().map(GpuDevice::toJson).toList()))
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
}
