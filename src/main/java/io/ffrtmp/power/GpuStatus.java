package io.ffrtmp.power;

import io.vertx.core.json.JsonObject;

/**
 * What NVML says about one NVIDIA GPU at one moment, for node snapshots and job progress. Every
 * reading is null when the GPU or driver does not provide it (NOT_SUPPORTED, no permission): null
 * means "not read", never zero.
 *
 * @param index NVML device index; its energy zone is "gpu-&lt;index&gt;"
 * @param energyCounter whether nvmlDeviceGetTotalEnergyConsumption works (Volta and newer), i.e.
 *     whether this GPU's energy is measured
 * @param smPercent nvmlUtilization_t.gpu: share of the last sample period a kernel ran
 * @param memoryPercent nvmlUtilization_t.memory: share of the period device memory was read or
 *     written
 * @param encoderPercent NVENC utilisation (nvmlDeviceGetEncoderUtilization)
 * @param decoderPercent NVDEC utilisation (nvmlDeviceGetDecoderUtilization)
 * @param powerGaugeWatts nvmlDeviceGetPowerUsage: a gauge (1 s average on Ampere+, instantaneous
 *     before), shown for display only and never integrated into energy
 * @param encoderSessions active NVENC sessions on the GPU, any process
 */
public record GpuStatus(
    int index,
    String name,
    String uuid,
    boolean energyCounter,
    Integer smPercent,
    Integer memoryPercent,
    Integer encoderPercent,
    Integer decoderPercent,
    Integer temperatureC,
    Integer graphicsClockMhz,
    Integer smClockMhz,
    Integer memoryClockMhz,
    Integer videoClockMhz,
    Long memoryTotalBytes,
    Long memoryUsedBytes,
    Long memoryFreeBytes,
    Integer encoderSessions,
    Double powerGaugeWatts) {

  public String zone() {
    return NvmlSource.zoneLabel(index);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("index", index)
        .put("zone", zone())
        .put("name", name)
        .put("uuid", uuid)
        .put("energy_counter", energyCounter)
        .put(
            "utilisation_percent",
            new JsonObject()
                .put("sm", smPercent)
                .put("memory", memoryPercent)
                .put("encoder", encoderPercent)
                .put("decoder", decoderPercent))
        .put("temperature_c", temperatureC)
        .put(
            "clocks_mhz",
            new JsonObject()
                .put("graphics", graphicsClockMhz)
                .put("sm", smClockMhz)
                .put("memory", memoryClockMhz)
                .put("video", videoClockMhz))
        .put(
            "memory_bytes",
            new JsonObject()
                .put("total", memoryTotalBytes)
                .put("used", memoryUsedBytes)
                .put("free", memoryFreeBytes))
        .put("encoder_sessions", encoderSessions)
        .put("power_gauge_watts", powerGaugeWatts);
  }
}
