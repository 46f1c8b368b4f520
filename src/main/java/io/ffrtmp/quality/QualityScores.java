package io.ffrtmp.quality;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Parses FFmpeg's per-frame {@code psnr}/{@code ssim} stats files into mean, minimum and 5th
 * percentile. The PSNR mean is FFmpeg's own pooling (mean squared error over all frames, then dB),
 * not the mean of per-frame dB values; identical frames (infinite PSNR) count as 100 dB, as common
 * tools do.
 */
public final class QualityScores {

  static final double PSNR_CAP_DB = 100;
  private static final Pattern PSNR_MSE = Pattern.compile("\\bmse_avg:([0-9.]+|inf|nan)");
  private static final Pattern PSNR_DB = Pattern.compile("\\bpsnr_avg:([0-9.]+|inf|nan)");
  private static final Pattern SSIM_ALL = Pattern.compile("\\bAll:([0-9.]+)");

  private QualityScores() {}

  /**
   * {@code {"mean":..,"min":..,"p5":..,"frames":n}} from a psnr stats file; frames with 8-bit peak
   * 255.
   */
  public static JsonObject psnr(Path statsFile) throws IOException {
    List<Double> db = new ArrayList<>();
    double mseSum = 0;
    for (String line : Files.readAllLines(statsFile, StandardCharsets.UTF_8)) {
      Matcher mse = PSNR_MSE.matcher(line);
      Matcher p = PSNR_DB.matcher(line);
      if (!mse.find() || !p.find()) {
        continue;
      }
      mseSum += number(mse.group(1), 0);
      db.add(Math.min(PSNR_CAP_DB, number(p.group(1), PSNR_CAP_DB)));
    }
    if (db.isEmpty()) {
      throw new IOException("no frames in " + statsFile.getFileName());
    }
    double meanMse = mseSum / db.size();
    double mean =
        meanMse <= 0
            ? PSNR_CAP_DB
            : Math.min(PSNR_CAP_DB, 10 * Math.log10(255.0 * 255.0 / meanMse));
    return summary(mean, db);
  }

  /**
   * {@code {"mean":..,"min":..,"p5":..,"frames":n}} of the SSIM "All" (luma and chroma weighted)
   * per frame.
   */
  public static JsonObject ssim(Path statsFile) throws IOException {
    List<Double> all = new ArrayList<>();
    for (String line : Files.readAllLines(statsFile, StandardCharsets.UTF_8)) {
      Matcher m = SSIM_ALL.matcher(line);
      if (m.find()) {
        all.add(Double.parseDouble(m.group(1)));
      }
    }
    if (all.isEmpty()) {
      throw new IOException("no frames in " + statsFile.getFileName());
    }
    return summary(all.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), all);
  }

  /**
   * From libvmaf's JSON log: its pooled mean and harmonic mean, and per-frame minimum and 5th
   * percentile, with the model and pooling recorded beside the numbers.
   */
  public static JsonObject vmaf(Path jsonLog, String model, int threads) throws IOException {
    JsonObject log = new JsonObject(Files.readString(jsonLog, StandardCharsets.UTF_8));
    List<Double> perFrame = new ArrayList<>();
    for (Object f : log.getJsonArray("frames", new JsonArray())) {
      Double v = ((JsonObject) f).getJsonObject("metrics", new JsonObject()).getDouble("vmaf");
      if (v != null) {
        perFrame.add(v);
      }
    }
    if (perFrame.isEmpty()) {
      throw new IOException("no VMAF frames in " + jsonLog.getFileName());
    }
    JsonObject pooled =
        log.getJsonObject("pooled_metrics", new JsonObject())
            .getJsonObject("vmaf", new JsonObject());
    double mean =
        pooled.getDouble(
            "mean", perFrame.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    JsonObject s = summary(mean, perFrame);
    if (pooled.getDouble("harmonic_mean") != null) {
      s.put("harmonic_mean", round(pooled.getDouble("harmonic_mean")));
    }
    return s.put("model", model)
        .put("pooling", "mean")
        .put("n_threads", threads)
        .put("n_subsample", 1)
        .put("libvmaf_version", log.getString("version"));
  }

  private static JsonObject summary(double mean, List<Double> perFrame) {
    double[] values = perFrame.stream().mapToDouble(Double::doubleValue).toArray();
    double min = perFrame.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double p5 = new Percentile().evaluate(values, 5);
    return new JsonObject()
        .put("mean", round(mean))
        .put("min", round(min))
        .put("p5", round(p5))
        .put("frames", values.length);
  }

  private static double number(String text, double ifInfinite) {
    return text.equals("inf") || text.equals("nan") ? ifInfinite : Double.parseDouble(text);
  }

  private static double round(double v) {
    return Math.round(v * 1_000_000d) / 1_000_000d;
  }
}
