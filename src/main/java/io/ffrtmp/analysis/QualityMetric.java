package io.ffrtmp.analysis;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** The quality axis of the energy–quality Pareto front. */
public enum QualityMetric {
  PSNR("psnr", "PSNR", "dB"),
  SSIM("ssim", "SSIM", null);

  private final String jsonKey;
  private final String label;
  private final String unit;

  QualityMetric(String jsonKey, String label, String unit) {
    this.jsonKey = jsonKey;
    this.label = label;
    this.unit = unit;
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
