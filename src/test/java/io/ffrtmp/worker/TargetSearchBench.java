package io.ffrtmp.worker;

import io.ffrtmp.job.Encoder;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.quality.QualityScores;
import io.ffrtmp.worker.engine.FfmpegCommand;
import io.ffrtmp.worker.engine.SourceInfo;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Probe encodes the quality-targeted search needs against plain bisection over the CRF range, on
 * real encodes: for each configuration and PSNR target both strategies run with the same stopping
 * rule (within ±tolerance of the target), each CRF they ask for encoded and scored once with the
 * worker's own FFmpeg commands (x264, x265 and SVT-AV1 are deterministic on the same frames, so a
 * score is reused by the other strategy). Prints one line per run and the totals. Usage (see
 * bench/target-search.sh): {@code TargetSearchBench WORK_DIR [RESOLUTION DURATION_S TOLERANCE]}.
 */
public final class TargetSearchBench {

  private TargetSearchBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Files.createDirectories(Path.of(args[0]));
    String resolution = args.length > 1 ? args[1] : "640x360";
    double durationS = args.length > 2 ? Double.parseDouble(args[2]) : 2;
    double tolerance = args.length > 3 ? Double.parseDouble(args[3]) : 0.5;
    String pattern = args.length > 4 ? args[4] : "testsrc2";
    String[][] configs = {
      {"libx264", "veryfast"}, {"libx264", "medium"}, {"libx265", "veryfast"}, {"libsvtav1", "10"}
    };
    double[] targets = {34, 37, 40, 43, 46};
    int interpolated = 0;
    int bisected = 0;
    int remembered = 0;
    SearchMemory memory = new SearchMemory();
    int encodes = 0;
    System.out.printf(
        Locale.ROOT,
        "%s %s %s s, PSNR targets +- %s dB%n",
        pattern,
        resolution,
        durationS,
        tolerance);
    for (String[] c : configs) {
      JobSpec spec =
          JobSpec.fromJson(
              new JsonObject()
                  .put(
                      "input",
                      new JsonObject()
                          .put("type", "synthetic")
                          .put("pattern", pattern)
                          .put("duration_s", durationS))
                  .put(
                      "video",
                      new JsonObject()
                          .put("encoder", c[0])
                          .put("preset", c[1])
                          .put("resolution", resolution)
                          .put("target", new JsonObject().put("metric", "psnr").put("value", 40)))
                  .put("measure", new JsonObject().put("quality", List.of("psnr"))));
      Encoder e = spec.video().encoder();
      String described = SourceInfo.synthetic(spec.input()).description();
      String curve = SearchMemory.curve(spec, JobSpec.QualityMetric.PSNR, described);
      String family = SearchMemory.family(spec, JobSpec.QualityMetric.PSNR, described);
      Map<Integer, Double> scores = new HashMap<>();
      for (double target : targets) {
        int[] counts = new int[3];
        StringBuilder line = new StringBuilder();
        for (int run = 0; run < 3; run++) {
          // 0: each search on its own; 1: bisection; 2: as in a campaign on one worker, hinted by
          // the probes of the searches before it (SearchMemory).
          TargetSearch.Strategy strategy =
              run == 1 ? TargetSearch.Strategy.BISECT : TargetSearch.Strategy.INTERPOLATE;
          TargetSearch search =
              TargetSearch.crf(
                  e.crfMin(),
                  e.crfMax(),
                  e.defaultCrf(),
                  JobSpec.QualityMetric.PSNR,
                  target,
                  tolerance,
                  strategy);
          if (run == 2) {
            search.hinted(memory.hints(curve, family).probes(), "memory");
          }
          List<String> probes = new ArrayList<>();
          for (Integer crf = search.next(); crf != null; crf = search.next()) {
            Integer at = crf;
            if (!scores.containsKey(at)) {
              encodes++;
            }
            double score = scores.computeIfAbsent(at, v -> psnr(work, spec.searched(v)));
            search.record(crf, score);
            if (run == 2) {
              memory.remember(curve, family, crf, score);
            }
            probes.add(String.format(Locale.ROOT, "%d:%.2f", crf, score));
          }
          TargetSearch.Outcome o = search.outcome();
          counts[run] = search.probeCount();
          line.append(
              String.format(
                  Locale.ROOT,
                  "  %-11s %2d probes -> %s crf %s (%s)  [%s]%n",
                  new String[] {"alone", "bisection", "campaign"}[run],
                  search.probeCount(),
                  o.stop().name().toLowerCase(Locale.ROOT),
                  o.chosen(),
                  o.chosenScore() == null
                      ? "-"
                      : String.format(Locale.ROOT, "%.2f dB", o.chosenScore()),
                  String.join(" ", probes)));
        }
        interpolated += counts[0];
        bisected += counts[1];
        remembered += counts[2];
        System.out.printf(Locale.ROOT, "%s %s psnr %.0f:%n%s", c[0], c[1], target, line);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "total probe encodes: bisection %d; searches alone %d (ratio %.2f); in campaign order on"
            + " one worker %d (ratio %.2f); %d distinct encodes%n",
        bisected,
        interpolated,
        interpolated / (double) bisected,
        remembered,
        remembered / (double) bisected,
        encodes);
  }

  /** Encodes the spec and scores it with the worker's own commands. */
  private static double psnr(Path work, JobSpec spec) {
    try {
      SourceInfo source = SourceInfo.synthetic(spec.input());
      Path file = work.resolve("probe.mkv");
      run(work, FfmpegCommand.encode("ffmpeg", spec, source, file));
      run(
          work,
          FfmpegCommand.quality("ffmpeg", source, file, List.of(JobSpec.QualityMetric.PSNR), 1));
      return QualityScores.psnr(work.resolve("psnr.log")).getDouble("mean");
    } catch (IOException | InterruptedException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static void run(Path dir, List<String> cmd) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("ffmpeg.log").toFile())
            .start();
    if (p.waitFor() != 0) {
      throw new IOException(
          "exit "
              + p.exitValue()
              + ": "
              + cmd
              + "\n"
              + Files.readString(dir.resolve("ffmpeg.log")));
    }
  }
}
