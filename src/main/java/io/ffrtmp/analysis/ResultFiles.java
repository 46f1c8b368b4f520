package io.ffrtmp.analysis;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes a campaign's results.json, results.csv and report.html into one directory. */
public final class ResultFiles {
  public static final String RESULTS_JSON = "results.json";
  public static final String RESULTS_CSV = "results.csv";
  public static final String REPORT_HTML = "report.html";

  /** The files written, in the order above. */
  public record Written(Path resultsJson, Path resultsCsv, Path reportHtml) {
    public List<Path> all() {
      return List.of(resultsJson, resultsCsv, reportHtml);
    }
  }

  /** One CSV column: its header and how to read it from a job result. */
  private record CsvColumn(String header, Function<JsonObject, Object> value) {}

  private static final List<CsvColumn> CSV_COLUMNS =
      List.of(
          column("job_id", "job_id"),
          column("campaign_id", "campaign_id"),
          column("config_key", "config_key"),
          column("encoder", "config", "encoder"),
          column("codec", "config", "codec"),
          column("preset", "config", "preset"),
          column("rate_control", "config", "rate_control"),
          column("crf", "config", "crf"),
          column("target_bitrate_kbps", "config", "bitrate_kbps"),
          // A quality target's search: what it looked for, the CRF or bitrate it chose, its probes.
          column("target_metric", "config", "target", "metric"),
          column("target_value", "config", "target", "value"),
          column("chosen_value", "target_search", "chosen"),
          column("search_probes", "target_search", "probe_count"),
          column("resolution", "config", "resolution"),
          column("target_fps", "config", "fps"),
          column("repetition", "repetition"),
          column("state", "state"),
          column("error", "error"),
          column("frames", "frames"),
          column("duration_s", "duration_s"),
          column("wall_s", "wall_s"),
          column("speed", "speed"),
          column("fps", "fps"),
          column("bytes", "bytes"),
          column("bitrate_kbps", "bitrate_kbps"),
          column("cpu_seconds", "cpu_seconds"),
          column("energy_provenance", "energy", "provenance"),
          column("energy_source", "energy", "source"),
          new CsvColumn("energy_zones", ResultFiles::zones),
          column("energy_model", "energy", "model", "name"),
          column("energy_model_idle_watts", "energy", "model", "idle_watts"),
          column("energy_model_max_watts", "energy", "model", "max_watts"),
          column("total_joules", "energy", "total_joules"),
          column("above_idle_joules", "energy", "above_idle_joules"),
          column("idle_watts", "energy", "idle_watts"),
          column("avg_watts", "energy", "avg_watts"),
          column("peak_watts", "energy", "peak_watts"),
          column("joules_per_frame", "energy", "joules_per_frame"),
          column("above_idle_joules_per_frame", "energy", "above_idle_joules_per_frame"),
          column("attribution", "energy", "attribution", "method"),
          column("attribution_share", "energy", "attribution", "share"),
          column("psnr_mean_db", "quality", "psnr", "mean"),
          column("psnr_min_db", "quality", "psnr", "min"),
          column("psnr_p5_db", "quality", "psnr", "p5"),
          column("ssim_mean", "quality", "ssim", "mean"),
          column("ssim_min", "quality", "ssim", "min"),
          column("ssim_p5", "quality", "ssim", "p5"),
          column("vmaf_mean", "quality", "vmaf", "mean"),
          column("vmaf_p5", "quality", "vmaf", "p5"),
          column("vmaf_model", "quality", "vmaf", "model"),
          column("encoder_requested", "encoder_choice", "requested"),
          column("ffmpeg_version", "ffmpeg_version"));

  private ResultFiles() {}

  public static Written write(
      Path dir, JsonObject campaign, List<JsonObject> results, CampaignAnalysis analysis)
      throws IOException {
    Files.createDirectories(dir);
    Path json = dir.resolve(RESULTS_JSON);
    Path csv = dir.resolve(RESULTS_CSV);
    Path html = dir.resolve(REPORT_HTML);
    writeAtomically(json, resultsJson(campaign, results, analysis).encodePrettily() + "\n");
    writeAtomically(csv, resultsCsv(results));
    writeAtomically(html, HtmlReport.render(campaign, analysis));
    return new Written(json, csv, html);
  }

  public static JsonObject resultsJson(
      JsonObject campaign, List<JsonObject> results, CampaignAnalysis analysis) {
    JsonArray configurations = new JsonArray();
    analysis.configurations().forEach(summary -> configurations.add(summary.toJson()));
    JsonArray jobs = new JsonArray();
    results.forEach(jobs::add);
    JsonObject meta = campaign == null ? new JsonObject() : campaign.copy();
    Object density = meta.remove("density");
    JsonObject out =
        new JsonObject()
            .put("campaign", meta)
            .put("quality_metric", analysis.metric().jsonKey())
            .put("configurations", configurations);
    if (density != null) {
      out.put("density", density);
    }
    out.put("cost_model", analysis.campaign().getJsonObject("cost"));
    JsonObject curves = analysis.curves();
    if (curves != null) {
      out.put("curves", curves);
    }
    JsonObject recommendation = analysis.recommendation();
    if (recommendation != null) {
      out.put("recommendation", recommendation);
    }
    return out.put("jobs", jobs);
  }

  public static String resultsCsv(List<JsonObject> results) throws IOException {
    String[] headers = CSV_COLUMNS.stream().map(CsvColumn::header).toArray(String[]::new);
    CSVFormat format = CSVFormat.RFC4180.builder().setHeader(headers).build();
    StringWriter out = new StringWriter();
    try (CSVPrinter printer = new CSVPrinter(out, format)) {
      for (JsonObject result : results) {
        List<Object> row = new ArrayList<>(CSV_COLUMNS.size());
        CSV_COLUMNS.forEach(column -> row.add(column.value().apply(result)));
        printer.printRecord(row);
      }
    }
    return out.toString();
  }

  private static CsvColumn column(String header, String... path) {
    return new CsvColumn(header, result -> Json.at(result, path));
  }

  /** Zones joined with "+" so the column stays one cell, matching the terminal's notation. */
  private static Object zones(JsonObject result) {
    JsonArray zones = Json.array(result, "energy", "zones");
    if (zones == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    zones.forEach(zone -> names.add(String.valueOf(zone)));
    return String.join("+", names);
  }

  /**
   * Temp file in the same directory, then a rename: an interrupted run leaves either the old file
   * or the new one, never half of one. The temp file is created with CREATE_NEW rather than
   * Files.createTempFile, whose owner-only permissions would carry over to a report meant to be
   * shared.
   */
  static void writeAtomically(Path target, String content) throws IOException {
    Path temp =
        target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.writeString(
          temp,
          content,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
