package io.ffrtmp.analysis;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Where a configuration's energy figures came from. Repetitions are merged field by field; a field
 * on which they disagree becomes {@value #MIXED} so the report never labels a blend of sources as
 * one of them.
 */
public record EnergyProvenance(
    String provenance,
    String source,
    List<String> zones,
    String modelName,
    Double modelIdleWatts,
    Double modelMaxWatts,
    String modelBasis) {

  public static final String MEASURED = "measured";
  public static final String ESTIMATED = "estimated";
  public static final String MIXED = "mixed";

  public EnergyProvenance {
    zones = zones == null ? List.of() : List.copyOf(zones);
  }

  /** Reads the {@code energy} object of one job result; null when the job has none. */
  public static EnergyProvenance of(JsonObject energy) {
    if (energy == null) {
      return null;
    }
    List<String> zones = new ArrayList<>();
    JsonArray zoneArray = energy.getJsonArray("zones");
    if (zoneArray != null) {
      zoneArray.forEach(zone -> zones.add(String.valueOf(zone)));
    }
    return new EnergyProvenance(
        energy.getString("provenance"),
        energy.getString("source"),
        zones,
        Json.string(energy, "model", "name"),
        Json.number(energy, "model", "idle_watts"),
        Json.number(energy, "model", "max_watts"),
        Json.string(energy, "model", "basis"));
  }

  /** Combines two repetitions; either side may be null (a run without energy data adds nothing). */
  public static EnergyProvenance merge(EnergyProvenance a, EnergyProvenance b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    boolean sameModel =
        Objects.equals(a.modelName, b.modelName)
            && Objects.equals(a.modelIdleWatts, b.modelIdleWatts)
            && Objects.equals(a.modelMaxWatts, b.modelMaxWatts);
    return new EnergyProvenance(
        agree(a.provenance, b.provenance),
        agree(a.source, b.source),
        a.zones.equals(b.zones) ? a.zones : List.of(MIXED),
        sameModel ? a.modelName : MIXED,
        sameModel ? a.modelIdleWatts : null,
        sameModel ? a.modelMaxWatts : null,
        Objects.equals(a.modelBasis, b.modelBasis) ? a.modelBasis : null);
  }

  private static String agree(String a, String b) {
    return Objects.equals(a, b) ? a : MIXED;
  }

  public boolean isMeasured() {
    return MEASURED.equals(provenance);
  }

  public boolean isEstimated() {
    return ESTIMATED.equals(provenance);
  }

  /** Short form for the terminal, e.g. "measured: rapl-powercap package-0+dram-0". */
  public String shortLabel() {
    String kind = provenance == null ? "unknown" : provenance;
    if (isEstimated() && modelName != null) {
      String range =
          modelIdleWatts != null && modelMaxWatts != null
              ? " " + Format.number(modelIdleWatts) + "–" + Format.number(modelMaxWatts) + " W"
              : "";
      return kind + ": " + modelName + range;
    }
    StringBuilder label = new StringBuilder(kind).append(':');
    if (source != null) {
      label.append(' ').append(source);
    }
    if (!zones.isEmpty()) {
      label.append(' ').append(String.join("+", zones));
    }
    return label.toString();
  }

  /** "rapl-powercap+nvml-energy" → "RAPL powercap + NVML energy counters". */
  static String readable(String source) {
    return Arrays.stream(source.split("\\+"))
        .map(
            part ->
                switch (part) {
                  case "rapl-powercap" -> "RAPL powercap";
                  case "rapl-perf" -> "RAPL via the perf power PMU";
                  case "nvml-energy" -> "NVML energy counters";
                  case "hwmon-energy" -> "hwmon energy counters";
                  case "hwmon-power-gauge" -> "hwmon power gauges";
                  default -> part;
                })
        .collect(Collectors.joining(" + "));
  }

  /** Spelled out for the HTML report; an estimate says plainly that it is not a measurement. */
  public String sentence() {
    if (isMeasured()) {
      String how = source == null ? "an unnamed source" : readable(source);
      String where = zones.isEmpty() ? "" : " zones " + String.join(", ", zones);
      return "measured by " + how + where;
    }
    if (isEstimated()) {
      String model =
          modelName == null
              ? Objects.toString(source, "an unnamed model")
              : "linear-cpu-utilisation".equals(modelName)
                  ? "linear CPU-utilisation model"
                  : "model " + modelName;
      StringBuilder text = new StringBuilder("ESTIMATED by ").append(model);
      if (modelIdleWatts != null) {
        text.append(", idle ").append(Format.number(modelIdleWatts)).append(" W");
      }
      if (modelMaxWatts != null) {
        text.append(", max ").append(Format.number(modelMaxWatts)).append(" W");
      }
      text.append(" — not a measurement");
      if (modelBasis != null && !modelBasis.isBlank()) {
        text.append(" (basis: ").append(modelBasis).append(')');
      }
      return text.toString();
    }
    if (MIXED.equals(provenance)) {
      return "MIXED: some repetitions measured, some estimated — not comparable with either";
    }
    return "energy provenance "
        + Objects.toString(provenance, "not recorded").toLowerCase(Locale.ROOT);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("provenance", provenance)
        .put("source", source)
        .put("zones", new JsonArray(new ArrayList<>(zones)))
        .put("model_name", modelName)
        .put("model_idle_watts", modelIdleWatts)
        .put("model_max_watts", modelMaxWatts)
        .put("model_basis", modelBasis);
  }
}
