package io.ffrtmp.analysis;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The quality axis of the energy–quality Pareto front, and the metric of a quality floor. Each has
 * the range a score of it can take ({@link #min()} exclusive for PSNR, whose 0 dB means nothing).
 */
public enum QualityMetric {
  PSNR("psnr", "PSNR", "dB", 10, 100),
  SSIM("ssim", "SSIM", null, 0, 1),
  VMAF("vmaf", "VMAF", null, 0, 100);

  private final String jsonKey;
  private final String label;
  private final String unit;
  private final double min;
  private final double max;

  QualityMetric(String jsonKey, String label, String unit, double min, double max) {
    this.jsonKey = jsonKey;
    this.label = label;
    this.unit = unit;
    this.min = min;
    this.max = max;
  }

  /** The lowest floor accepted for this metric. */
  public double min() {
    return min;
  }

  /** The highest score this metric can take. */
  public double max() {
    return max;
  }

  /** "40 dB", "0.95", "93": a score with its unit. */
  public String format(double value) {
    String number = Format.number(value);
    return unit == null ? number : number + " " + unit;
  }

  /** The metric named {@code name} (case-insensitive), or null. */
  public static QualityMetric named(String name) {
    for (QualityMetric m : values()) {
      if (m.jsonKey.equalsIgnoreCase(name == null ? "" : name.trim())) {
        return m;
      }
    }
    return null;
  }

  /**
   * Key under {@code quality} in a job result and the value of a campaign's {@code quality_metric}.
   */
  public String jsonKey() {
    return jsonKey;
  }

  public String label() {
    return label;
  }

  /** Axis label with unit; SSIM is dimensionless so it gets none. */
  public String axisLabel() {
    return unit == null ? label : label + " (" + unit + ")";
  }

  /**
   * Reads {@code quality_metric} from campaign metadata; PSNR when absent because every run
   * computes it.
   */
  public static QualityMetric fromCampaign(JsonObject campaign) {
    String value = campaign == null ? null : campaign.getString("quality_metric");
    if (value == null || value.isBlank()) {
      return PSNR;
    }
    return valueOf(value.trim().toUpperCase(Locale.ROOT));
  }
}
