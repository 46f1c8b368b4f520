package io.ffrtmp.job;

import io.ffrtmp.job.JobSpec.Measure;
import io.ffrtmp.job.JobSpec.QualityMetric;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The {@code measure} part of a spec: how often power is read, the settle wait, quality metrics,
 * exclusivity.
 */
final class MeasureParser {

  private MeasureParser() {}

  static Measure parse(JsonObject m) {
    int intervalMs =
        ExactInt.of(m, "interval_ms", "measure.interval_ms", 1000, 50, 60_000, "50 to 60000 ms");
    double settleMaxS = m.getValue("settle_max_s") == null ? 0 : m.getDouble("settle_max_s");
    if (!(settleMaxS >= 0 && settleMaxS <= 600)) {
      throw new SpecException(
          "measure.settle_max_s",
          m.getValue("settle_max_s") + " is out of range; accepted: 0 (off) to 600 seconds");
    }
    double settleWithin = m.getValue("settle_within") == null ? 0.10 : m.getDouble("settle_within");
    if (!(settleWithin >= 0.01 && settleWithin <= 1)) {
      throw new SpecException(
          "measure.settle_within",
          m.getValue("settle_within")
              + " is out of range; accepted: "
              + "0.01 to 1 (a fraction of the idle power)");
    }
    JsonArray q = m.getJsonArray("quality", new JsonArray().add("psnr").add("ssim"));
    List<QualityMetric> quality =
        q.stream().map(o -> QualityMetric.valueOf(o.toString().toUpperCase(Locale.ROOT))).toList();
    double windowS =
        m.getValue("realtime_window_s") == null
            ? Measure.DEFAULT_REALTIME_WINDOW_S
            : m.getDouble("realtime_window_s");
    if (!(windowS >= 2 && windowS <= 300)) {
      throw new SpecException(
          "measure.realtime_window_s",
          m.getValue("realtime_window_s") + " is out of range; accepted: 2 to 300 seconds");
    }
    return new Measure(
        intervalMs, quality, settleMaxS, settleWithin, m.getBoolean("exclusive", true), windowS);
  }
}
