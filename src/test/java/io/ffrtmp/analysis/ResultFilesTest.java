package io.ffrtmp.analysis;

import static io.ffrtmp.analysis.Jobs.estimated;
import static io.ffrtmp.analysis.Jobs.failed;
import static io.ffrtmp.analysis.Jobs.measured;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFilesTest {
  private static final String HOSTILE_KEY = "libx264 <script>alert('x')</script> & \"q\"";

  private static final List<JsonObject> RESULTS =
      List.of(
          measured("libx264 veryfast", 1, 0.30, 36.0),
          measured("libx264 veryfast", 2, 0.32, 36.5),
          measured("libx264 slow", 1, 1.10, 40.0),
          measured(HOSTILE_KEY, 1, 0.9, 37.0),
          failed("libsvtav1 8", 1, "encoder <libsvtav1> is not available"));

  @TempDir Path dir;

  private Path writeAll(JsonObject campaign, List<JsonObject> results) throws IOException {
    CampaignAnalysis analysis =
        CampaignAnalysis.analyse(campaign, results, QualityMetric.fromCampaign(campaign));
    ResultFiles.Written written =
        ResultFiles.write(dir.resolve("out"), campaign, results, analysis);
    assertThat(written.all()).allMatch(Files::isRegularFile);
    return dir.resolve("out");
  }

  @Test
  void resultsJsonRoundTrips() throws IOException {
    Path out = writeAll(Jobs.campaign(), RESULTS);
    JsonObject json = new JsonObject(Files.readString(out.resolve(ResultFiles.RESULTS_JSON)));
    assertThat(json.getJsonObject("campaign")).isEqualTo(Jobs.campaign());
    JsonArray jobs = json.getJsonArray("jobs");
    assertThat(jobs.size()).isEqualTo(RESULTS.size());
    for (int i = 0; i < RESULTS.size(); i++) {
      assertThat(jobs.getJsonObject(i)).isEqualTo(RESULTS.get(i));
    }
    JsonArray configurations = json.getJsonArray("configurations");
    assertThat(configurations.size()).isEqualTo(4);
    JsonObject first = configurations.getJsonObject(0);
    assertThat(first.getString("config_key")).isEqualTo("libx264 veryfast");
    assertThat(first.getJsonObject("joules_per_frame").getInteger("n")).isEqualTo(2);
    assertThat(first.getJsonObject("joules_per_frame").getDouble("ci95_half_width")).isNotNull();
    assertThat(first.getBoolean("pareto_front")).isTrue();
    assertThat(first.getBoolean("pareto_front_3")).as(first.encode()).isNotNull();
    assertThat(first.getString("rank_group")).isEqualTo("measured");
    JsonObject last = configurations.getJsonObject(3);
    assertThat(last.getString("rank_group")).isEqualTo("failed");
    assertThat(last.getString("first_error")).isEqualTo("encoder <libsvtav1> is not available");
  }

  @Test
  void csvHasHeaderAndOneRowPerJob() throws IOException {
    Path out = writeAll(Jobs.campaign(), RESULTS);
    CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build();
    try (Reader reader = Files.newBufferedReader(out.resolve(ResultFiles.RESULTS_CSV));
        CSVParser parser = CSVParser.parse(reader, format)) {
      assertThat(parser.getHeaderNames())
          .contains(
              "job_id",
              "config_key",
              "encoder",
              "preset",
              "state",
              "error",
              "energy_provenance",
              "energy_zones",
              "joules_per_frame",
              "above_idle_joules_per_frame",
              "avg_watts",
              "psnr_mean_db",
              "ssim_mean");
      List<CSVRecord> records = parser.getRecords();
      assertThat(records).hasSize(RESULTS.size());
      CSVRecord first = records.get(0);
      assertThat(first.get("config_key")).isEqualTo("libx264 veryfast");
      assertThat(first.get("encoder")).isEqualTo("libx264");
      assertThat(first.get("energy_zones")).isEqualTo("package-0+dram-0");
      assertThat(Double.parseDouble(first.get("joules_per_frame"))).isEqualTo(0.30);
      assertThat(records.get(3).get("config_key")).isEqualTo(HOSTILE_KEY);
      CSVRecord failedRow = records.get(4);
      assertThat(failedRow.get("state")).isEqualTo("failed");
      assertThat(failedRow.get("joules_per_frame")).isEmpty();
    }
  }

  @Test
  void htmlIsSelfContainedWithItsPlotsAndEscapedText() throws IOException {
    Path out = writeAll(Jobs.campaign(), RESULTS);
    String html = Files.readString(out.resolve(ResultFiles.REPORT_HTML));
    // The bars, the energy–quality front, and the three-way front's two other projections.
    assertThat(count(html, "<svg")).isEqualTo(4);
    assertThat(html)
        .contains("PSNR against bitrate")
        .contains("Bitrate against energy per frame")
        .contains("rings: three-way front")
        .contains("3-way");
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("http://")
        .doesNotContain("https://")
        .doesNotContainIgnoringCase("<link")
        .doesNotContainIgnoringCase("<img");
    // JFreeSVG's clip paths use url(#id), a reference into the same page; anything else would be
    // external.
    assertThat(html).doesNotContainPattern("url\\((?!#)");
    assertThat(html)
        .doesNotContain(HOSTILE_KEY)
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    assertThat(html).contains("encoder &lt;libsvtav1&gt; is not available");
    assertThat(html).contains("Measured by RAPL powercap zones package-0, dram-0");
    assertThat(html).contains("class=\"front\"").contains("presets-720p").contains("Test CPU 3000");
    assertThat(html).contains("energy per frame (J/frame)").contains("PSNR (dB)");
  }

  @Test
  void estimatedEnergyIsSpelledOutAsNotAMeasurement() throws IOException {
    List<JsonObject> results =
        List.of(estimated("libx264 fast", 1, 0.2, 38.0), measured("libx264 slow", 1, 1.0, 41.0));
    Path out = writeAll(Jobs.campaign(), results);
    String html = Files.readString(out.resolve(ResultFiles.REPORT_HTML));
    assertThat(html)
        .contains(
            "ESTIMATED by linear CPU-utilisation model, idle 1.48 W, max 7.0 W — not a"
                + " measurement");
    // Per provenance group the bars, the front and two projections: the two kinds never share a
    // plot.
    assertThat(count(html, "<svg")).isEqualTo(8);
    assertThat(html.indexOf("Ranking: energy measured"))
        .isLessThan(html.indexOf("Ranking: energy estimated"));
  }

  @Test
  void leavesNoTemporaryFilesAndReplacesOldOnes() throws IOException {
    Path out = writeAll(Jobs.campaign(), RESULTS);
    writeAll(Jobs.campaign(), RESULTS.subList(0, 1));
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              ResultFiles.RESULTS_JSON, ResultFiles.RESULTS_CSV, ResultFiles.REPORT_HTML);
    }
    JsonObject json = new JsonObject(Files.readString(out.resolve(ResultFiles.RESULTS_JSON)));
    assertThat(json.getJsonArray("jobs").size()).isEqualTo(1);
  }

  @Test
  void onlyFailuresStillRender() throws IOException {
    Path out = writeAll(new JsonObject(), List.of(failed("libsvtav1 8", 1, "no encoder")));
    String html = Files.readString(out.resolve(ResultFiles.REPORT_HTML));
    assertThat(html).contains("no encoder").doesNotContain("<svg");
    assertThat(
            RankingTable.render(
                CampaignAnalysis.analyse(
                    new JsonObject(),
                    List.of(failed("libsvtav1 8", 1, "no encoder")),
                    QualityMetric.PSNR)))
        .contains("failed: no encoder")
        .contains("Idle baseline: not recorded.");
  }

  @Test
  void csvShowsAQualityTargetsChosenValueAndProbes() throws IOException {
    JsonObject searched = measured("libx264 medium crf@psnr40 1280x720p30", 1, 0.1, 40.2);
    searched
        .getJsonObject("config")
        .put("crf", (Object) null)
        .put("target", new JsonObject().put("metric", "psnr").put("value", 40.0));
    searched.put("target_search", new JsonObject().put("chosen", 31).put("probe_count", 3));
    Path out = writeAll(Jobs.campaign(), List.of(searched, RESULTS.get(0)));
    CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build();
    try (Reader reader = Files.newBufferedReader(out.resolve(ResultFiles.RESULTS_CSV));
        CSVParser parser = CSVParser.parse(reader, format)) {
      List<CSVRecord> records = parser.getRecords();
      assertThat(records.get(0).get("crf")).isEmpty();
      assertThat(records.get(0).get("target_metric")).isEqualTo("psnr");
      assertThat(records.get(0).get("target_value")).isEqualTo("40.0");
      assertThat(records.get(0).get("chosen_value")).isEqualTo("31");
      assertThat(records.get(0).get("search_probes")).isEqualTo("3");
      assertThat(records.get(1).get("chosen_value")).isEmpty();
    }
  }

  private static int count(String text, String needle) {
    Matcher matcher = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (matcher.find()) {
      n++;
    }
    return n;
  }
}
