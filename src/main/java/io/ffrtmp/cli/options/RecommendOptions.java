package io.ffrtmp.cli.options;

import io.ffrtmp.analysis.CostModel;
import io.ffrtmp.analysis.QualityTarget;
import io.ffrtmp.job.SpecException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What {@code recommend} asks: a quality floor, an optional bitrate ceiling, a baseline, prices.
 */
public final class RecommendOptions {

  @Option(
      names = "--target",
      required = true,
      paramLabel = "METRIC=VALUE",
      description = "The quality floor: psnr=40, ssim=0.95 or vmaf=93.")
  public String target;

  @Option(
      names = "--max-kbps",
      paramLabel = "KBPS",
      description = "The bitrate ceiling (mean kbit/s); none by default.")
  public Double maxKbps;

  @Option(
      names = "--baseline",
      paramLabel = "NAME",
      description =
          "The configuration to compare with: a configuration key, or its start without the rate"
              + " (\"libx264 medium\"); default: the campaign's own baseline, if any.")
  public String baseline;

  @Option(
      names = "--price-per-kwh",
      paramLabel = "PRICE",
      description = "Energy price per kWh (default: the campaign's, else 0.13).")
  public Double pricePerKwh;

  @Option(
      names = "--currency",
      paramLabel = "CODE",
      description = "Currency of the price (default: the campaign's, else USD).")
  public String currency;

  @Option(
      names = "--carbon-g-per-kwh",
      paramLabel = "G",
      description = "Grid carbon intensity, gCO2e/kWh (default: the campaign's, else 480).")
  public Double carbonGPerKwh;

  @Option(
      names = "--pue",
      paramLabel = "PUE",
      description = "Facility energy over IT energy (default: the campaign's, else 1.0).")
  public Double pue;

  /** The floor, checked; a bad one is a {@link SpecException} on {@code --target}. */
  public QualityTarget parsedTarget() {
    QualityTarget t = QualityTarget.parse(target, "--target");
    if (maxKbps != null && !(maxKbps > 0)) {
      throw new SpecException("--max-kbps", maxKbps + " is not a positive number of kbit/s");
    }
    return t;
  }

  /** The campaign's cost model with what was given here. */
  public CostModel cost(CostModel campaign) {
    try {
      return campaign.with(pricePerKwh, currency, carbonGPerKwh, pue);
    } catch (SpecException e) {
      throw new SpecException("--" + e.field().replace('_', '-'), e.getMessage());
    }
  }

  /** The same question as the API's query string. */
  public String query() {
    List<String> q = new ArrayList<>();
    add(q, "target", target);
    add(q, "max_kbps", maxKbps);
    add(q, "baseline", baseline);
    add(q, "price_per_kwh", pricePerKwh);
    add(q, "currency", currency);
    add(q, "carbon_g_per_kwh", carbonGPerKwh);
    add(q, "pue", pue);
    return String.join("&", q);
  }

  private static void add(List<String> q, String key, Object value) {
    if (value != null) {
      q.add(key + "=" + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
    }
  }
}
