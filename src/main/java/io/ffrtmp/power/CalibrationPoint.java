package io.ffrtmp.power;

import io.vertx.core.json.JsonObject;

/**
 * One step of the calibration ladder.
 *
 * @param levelPercent requested duty cycle of the load threads; only a label, the fit uses {@code
 *     utilisation}; null when a model file written elsewhere leaves it out
 * @param utilisation busy share of all CPUs over the step, 0..1, from /proc/stat (includes other
 *     processes)
 * @param watts mean cpu-scope power over the step, measured
 * @param sdWatts standard deviation of the one-second averages within the step
 */
public record CalibrationPoint(
    Integer levelPercent, double utilisation, double watts, double sdWatts) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("level_percent", levelPercent)
        .put("utilisation", utilisation)
        .put("watts", watts)
        .put("sd_watts", sdWatts);
  }
}
