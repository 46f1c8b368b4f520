package io.ffrtmp.job;

import io.ffrtmp.job.JobSpec.QualityMetric;
import io.ffrtmp.job.JobSpec.Target;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The {@code video.target} part of a spec: a quality metric, the score to reach (in the metric's
 * own range), how close above it a probe must land, and an optional sample length to search on.
 */
final class TargetParser {

  static final String METRICS = "psnr, ssim, vmaf";

  private TargetParser() {}

  static Target parse(JsonObject t, double fps) {
    Object rawMetric = t.getValue("metric");
    if (rawMetric == null) {
      throw new SpecException("video.target.metric", "is required; accepted: " + METRICS);
    }
    QualityMetric metric =
        switch (rawMetric.toString()) {
          case "psnr" -> QualityMetric.PSNR;
          case "ssim" -> QualityMetric.SSIM;
          case "vmaf" -> QualityMetric.VMAF;
          default ->
              throw new SpecException(
                  "video.target.metric",
                  "unknown metric '" + rawMetric + "'; accepted: " + METRICS);
        };
    if (t.getValue("value") == null) {
      throw new SpecException(
          "video.target.value", "is required; accepted: " + range(metric) + " for " + id(metric));
    }
    double value = t.getDouble("value");
    if (!(value >= min(metric) && value <= max(metric))) {
      throw new SpecException(
          "video.target.value",
          ExactInt.quote(t.getValue("value"))
              + " is out of range for "
              + id(metric)
              + "; accepted: "
              + range(metric));
    }
    double tolerance = defaultTolerance(metric);
    if (t.getValue("tolerance") != null) {
      tolerance = t.getDouble("tolerance");
      double cap = 10 * defaultTolerance(metric);
      if (!(tolerance > 0 && tolerance <= cap)) {
        throw new SpecException(
            "video.target.tolerance",
            ExactInt.quote(t.getValue("tolerance"))
                + " is out of range for "
                + id(metric)
                + "; accepted: more than 0, at most "
                + Fps.format(cap)
                + " (default "
                + Fps.format(defaultTolerance(metric))
                + ")");
      }
    }
    Double sampleS = null;
    if (t.getValue("sample_s") != null) {
      sampleS = t.getDouble("sample_s");
      if (!(sampleS * fps >= 1 && sampleS <= 600)) {
        throw new SpecException(
            "video.target.sample_s",
            ExactInt.quote(t.getValue("sample_s"))
                + " is out of range; accepted: at least one frame, at most 600 seconds");
      }
    }
    return new Target(metric, value, tolerance, sampleS);
  }

  /** 0.5 dB PSNR, 0.005 SSIM, 1 VMAF point. */
  static double defaultTolerance(QualityMetric metric) {
    return switch (metric) {
      case PSNR -> 0.5;
      case SSIM -> 0.005;
      case VMAF -> 1;
    };
  }

  private static double min(QualityMetric metric) {
    return metric == QualityMetric.PSNR ? 10 : 0;
  }

  private static double max(QualityMetric metric) {
    return switch (metric) {
      case PSNR, VMAF -> 100;
      case SSIM -> 1;
    };
  }

  private static String range(QualityMetric metric) {
    return switch (metric) {
      case PSNR -> "10 to 100 dB";
      case SSIM -> "0 to 1";
      case VMAF -> "0 to 100";
    };
  }

  private static String id(QualityMetric metric) {
    return metric.name().toLowerCase(Locale.ROOT);
  }
}
