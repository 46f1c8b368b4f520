package io.ffrtmp.power;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Energy of one device class within a window, from the single source chosen for it.
 *
 * @param scope "cpu" or "gpu"
 * @param provenance "measured" or "estimated"
 * @param source e.g. "rapl-powercap", "cpu-utilisation-model", "nvml-energy", "hwmon-energy",
 *     "hwmon-power-gauge"
 * @param zones the zones of this scope; each appears in exactly one scope
 * @param joules sum of the zones' energy
 */
public record ScopeEnergy(
    String scope, String provenance, String source, List<String> zones, double joules) {

  public ScopeEnergy {
    zones = List.copyOf(zones);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("scope", scope)
        .put("provenance", provenance)
        .put("source", source)
        .put("zones", new JsonArray(zones))
        .put("joules", joules);
  }
}
