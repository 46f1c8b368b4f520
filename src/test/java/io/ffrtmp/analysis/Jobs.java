package io.ffrtmp.analysis;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Job-result fixtures shaped like the worker's output. */
final class Jobs {
  static final String CAMPAIGN_ID = "7d0c1f0e-0000-4000-8000-000000000001";

  private Jobs() {}

  static JsonObject campaign() {
    return new JsonObject()
        .put("campaign_id", CAMPAIGN_ID)
        .put("name", "presets-720p")
        .put("description", "libx264 presets at 720p")
        .put("started_at", "2025-01-01T10:00:00Z")
        .put("finished_at", "2025-01-01T10:05:00Z")
        .put(
            "idle_baseline",
            new JsonObject()
                .put("avg_watts", 5.0)
                .put("stddev_watts", 0.12)
                .put("samples", 30)
                .put("duration_ms", 30000)
                .put("provenance", "measured")
                .put("source", "rapl-powercap"))
        .put(
            "node",
            new JsonObject()
                .put("cpu_model", "Test CPU 3000")
                .put("logical_cpus", 2)
                .put("memory_mb", 24000))
        .put("quality_metric", "psnr");
  }

  static JsonObject measured(String key, int repetition, double joulesPerFrame, Double psnr) {
    JsonObject energy =
        new JsonObject()
            .put("provenance", "measured")
            .put("source", "rapl-powercap")
            .put("zones", new JsonArray().add("package-0").add("dram-0"))
            .put("total_joules", joulesPerFrame * 60)
            .put("above_idle_joules", joulesPerFrame * 40)
            .put("idle_watts", 5.0)
            .put("avg_watts", 10.0)
            .put("peak_watts", 14.0)
            .put("joules_per_frame", joulesPerFrame)
            .put("above_idle_joules_per_frame", joulesPerFrame * 2 / 3);
    return succeeded(key, repetition, energy, psnr);
  }

  static JsonObject estimated(String key, int repetition, double joulesPerFrame, Double psnr) {
    JsonObject energy =
        new JsonObject()
            .put("provenance", "estimated")
            .put("source", "cpu-utilisation-model")
            .put("zones", new JsonArray())
            .put(
                "model",
                new JsonObject()
                    .put("name", "linear-cpu-utilisation")
                    .put("idle_watts", 1.48)
                    .put("max_watts", 7.0)
                    .put("logical_cpus", 2)
                    .put("basis", "vendor TDP"))
            .put("total_joules", joulesPerFrame * 60)
            .put("avg_watts", 4.0)
            .put("joules_per_frame", joulesPerFrame)
            .put("above_idle_joules_per_frame", joulesPerFrame / 2);
    return succeeded(key, repetition, energy, psnr);
  }

  private static JsonObject succeeded(String key, int repetition, JsonObject energy, Double psnr) {
    JsonObject quality = new JsonObject();
    if (psnr != null) {
      quality
          .put("psnr", new JsonObject().put("mean", psnr).put("min", psnr - 3).put("p5", psnr - 2))
          .put(
              "ssim",
              new JsonObject().put("mean", 0.9 + psnr / 1000).put("min", 0.9).put("p5", 0.91));
    }
    return base(key, repetition, "succeeded")
        .put("frames", 60)
        .put("duration_s", 2.0)
        .put("wall_s", 1.23)
        .put("speed", 1.62)
        .put("fps", 48.7)
        .put("bytes", 123456)
        .put("bitrate_kbps", 493.8)
        .put("cpu_seconds", 2.1)
        .put("energy", energy)
        .put("quality", quality)
        .put("command", new JsonArray().add("ffmpeg").add("-hide_banner"))
        .put("ffmpeg_version", "ffmpeg version 5.1.9-0+deb12u1")
        .put(
            "node",
            new JsonObject()
                .put("cpu_model", "Test CPU 3000")
                .put("logical_cpus", 2)
                .put("memory_mb", 24000));
  }

  static JsonObject failed(String key, int repetition, String error) {
    return base(key, repetition, "failed").put("error", error);
  }

  private static JsonObject base(String key, int repetition, String state) {
    String[] parts = key.split(" ");
    JsonObject config =
        new JsonObject()
            .put("encoder", parts[0])
            .put("codec", "h264")
            .put("preset", parts.length > 1 ? parts[1] : null)
            .put("rate_control", "crf")
            .put("crf", 23)
            .put("bitrate_kbps", null)
            .put("resolution", "1280x720")
            .put("fps", 30);
    return new JsonObject()
        .put("job_id", UUID.nameUUIDFromBytes((key + repetition).getBytes()).toString())
        .put("campaign_id", CAMPAIGN_ID)
        .put("config_key", key)
        .put("config", config)
        .put("repetition", repetition)
        .put("state", state);
  }
}
