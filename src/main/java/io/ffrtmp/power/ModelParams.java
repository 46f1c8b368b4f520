package io.ffrtmp.power;

import io.vertx.core.json.JsonObject;

/**
 * Parameters of the linear CPU-utilisation model, carried with every estimated result so a reader
 * can judge it.
 *
 * @param basis where idleWatts and maxWatts came from: the published defaults, "configured", or
 *     "calibrated on &lt;cpu model&gt; &lt;time&gt; (&lt;file&gt;)"
 * @param fitRmseWatts root mean square error of the calibration fit; null when not calibrated
 * @param fitR2 R² of the calibration fit; null when not calibrated
 * @param warning why the figures may not fit this node (e.g. "calibrated on different hardware:
 *     ..."); null when there is nothing to say
 */
public record ModelParams(
    String name,
    double idleWatts,
    double maxWatts,
    int logicalCpus,
    String basis,
    Double fitRmseWatts,
    Double fitR2,
    String warning) {

  /** Parameters without a calibration fit. */
  public ModelParams(
      String name, double idleWatts, double maxWatts, int logicalCpus, String basis) {
    this(name, idleWatts, maxWatts, logicalCpus, basis, null, null, null);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("name", name)
            .put("idle_watts", idleWatts)
            .put("max_watts", maxWatts)
            .put("logical_cpus", logicalCpus)
            .put("basis", basis);
    // Only a calibrated model has a fit; the published defaults have no error we could honestly
    // state.
    if (fitRmseWatts != null) {
      json.put("fit_rmse_watts", fitRmseWatts).put("fit_r2", fitR2);
    }
    if (warning != null) {
      json.put("warning", warning);
    }
    return json;
  }
}
