package io.ffrtmp.power;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Energy of one measurement window.
 *
 * @param provenance "measured" when every scope is measured (counters or gauges), else "estimated"
 * @param source the scope sources joined by "+", e.g. "rapl-powercap" or
 *     "rapl-powercap+nvml-energy"
 * @param zones the zones summed into totalJoules, all scopes; nothing outside this list is counted
 * @param perZoneJoules energy per zone in {@code zones}; the model reports a single "cpu-model"
 *     entry
 * @param model model parameters when estimated, null when measured
 * @param avgWatts totalJoules over the window; null when the window has zero length
 * @param peakWatts highest poll-interval average; null when no complete interval was seen
 * @param samples number of successful counter reads, the start and stop reads included
 * @param trace per-interval power, capped (see {@code TraceBuffer})
 * @param scopes energy per device class ("cpu", then "gpu" when a GPU is measured), each from one
 *     source
 * @param gpuProcessShare per gpu-scope zone, the tracked processes' share of the GPU's per-process
 *     utilisation ({@link Measurement#trackProcess}); null when there is no gpu scope or no process
 *     was tracked. A zone is missing when its GPU cannot say (see gpuProcessShareNotes)
 * @param gpuProcessShareNotes per gpu zone, why it has no share or what went wrong reading it;
 *     empty when none
 */
public record EnergyResult(
    String provenance,
    String source,
    List<String> zones,
    Map<String, Double> perZoneJoules,
    ModelParams model,
    double totalJoules,
    long durationMs,
    Double avgWatts,
    Double peakWatts,
    int samples,
    List<TracePoint> trace,
    List<ScopeEnergy> scopes,
    Map<String, GpuProcessShare> gpuProcessShare,
    Map<String, String> gpuProcessShareNotes) {

  /** Without per-process GPU figures, as before they existed. */
  public EnergyResult(
      String provenance,
      String source,
      List<String> zones,
      Map<String, Double> perZoneJoules,
      ModelParams model,
      double totalJoules,
      long durationMs,
      Double avgWatts,
      Double peakWatts,
      int samples,
      List<TracePoint> trace,
      List<ScopeEnergy> scopes) {
    this(
        provenance,
        source,
        zones,
        perZoneJoules,
        model,
        totalJoules,
        durationMs,
        avgWatts,
        peakWatts,
        samples,
        trace,
        scopes,
        null,
        Map.of());
  }

  public EnergyResult {
    gpuProcessShare =
        gpuProcessShare == null
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(gpuProcessShare));
    gpuProcessShareNotes =
        gpuProcessShareNotes == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(gpuProcessShareNotes));
    zones = List.copyOf(zones);
    perZoneJoules = Collections.unmodifiableMap(new LinkedHashMap<>(perZoneJoules));
    trace = List.copyOf(trace);
    scopes = List.copyOf(scopes);
  }

  public boolean measured() {
    return PowerSource.MEASURED.equals(provenance);
  }

  public JsonObject toJson() {
    JsonObject perZone = new JsonObject();
    perZoneJoules.forEach(perZone::put);
    JsonArray tracePoints = new JsonArray();
    trace.forEach(p -> tracePoints.add(p.toJson()));
    JsonArray scopeEntries = new JsonArray();
    scopes.forEach(s -> scopeEntries.add(s.toJson()));
    JsonObject json =
        new JsonObject()
            .put("provenance", provenance)
            .put("source", source)
            .put("zones", new JsonArray(zones))
            .put("per_zone_joules", perZone);
    if (model != null) {
      json.put("model", model.toJson());
    }
    json.put("total_joules", totalJoules)
        .put("duration_ms", durationMs)
        .put("avg_watts", avgWatts)
        .put("peak_watts", peakWatts)
        .put("samples", samples)
        .put("trace", tracePoints)
        .put("scopes", scopeEntries);
    if (gpuProcessShare != null) {
      JsonObject shares = new JsonObject();
      gpuProcessShare.forEach((zone, share) -> shares.put(zone, share.toJson()));
      json.put("gpu_process_share", shares);
    }
    if (!gpuProcessShareNotes.isEmpty()) {
      JsonObject notes = new JsonObject();
      gpuProcessShareNotes.forEach(notes::put);
      json.put("gpu_process_share_notes", notes);
    }
    return json;
  }
}
