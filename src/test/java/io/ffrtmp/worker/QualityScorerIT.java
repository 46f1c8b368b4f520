package io.ffrtmp.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.quality.QualityScores;
import io.ffrtmp.worker.engine.FfmpegCommand;
import io.ffrtmp.worker.engine.SourceInfo;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --quality-ffmpeg}: encodes with the distribution FFmpeg, scores with another one (the
 * FFmpeg 4.1 static build that {@code deploy/install-test-deps.sh} puts in {@code
 * .ci/node/ffmpeg-vmaf}, which lists libvmaf but has no model file here).
 */
class QualityScorerIT {

  static final Path SCORER = Path.of(".ci/node/ffmpeg-vmaf/ffmpeg").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void theSeparateScorerScoresAgreesOnPsnrAndSsimAndRefusesVmafWithoutAModel() throws Exception {
    if (!Files.isExecutable(SCORER)) {
      fail(
          SCORER
              + " is missing: the scoring FFmpeg is installed by deploy/install-test-deps.sh"
              + " (npm pack @ffmpeg-installer/linux-x64@4.1.0 into .ci/node/ffmpeg-vmaf)");
    }
    JsonObject r;
    try (WorkerHarness h = new WorkerHarness(dir, c -> c.withQuality(SCORER.toString(), null))) {
      List<JsonObject> results =
          h.run(
              """
              {"name": "scorer",
               "base": {"input": {"pattern": "testsrc2", "duration_s": 1},
                        "output": {"type": "file"},
                        "video": {"resolution": "320x240", "fps": 25, "encoder": "libx264",
                                  "preset": "veryfast", "crf": 32},
                        "measure": {"quality": ["psnr", "ssim", "vmaf"]}}}\
              """);
      r = results.get(0);
    }
    assertThat(r.getString("state")).as(r.encodePrettily()).isEqualTo("succeeded");
    JsonObject q = r.getJsonObject("quality");
    // The scorer is the other binary, and the result says which, with its version.
    JsonObject scorer = q.getJsonObject("scorer");
    assertThat(scorer.getString("binary")).isEqualTo(SCORER.toString());
    assertThat(scorer.getBoolean("separate")).isTrue();
    assertThat(scorer.getString("version")).contains("N-47683");
    assertThat(r.getString("ffmpeg_version")).doesNotContain("N-47683");
    // Builds draw testsrc2 differently (4.1 and 5.1 differ by 0.04 dB here): the scorer reads the
    // encoding FFmpeg's frames instead of drawing its own.
    assertThat(q.getString("reference")).contains("rendered losslessly by the encoding FFmpeg");
    // It lists libvmaf but cannot load a model: VMAF is unavailable with the reason, never a 0.
    JsonObject vmaf = q.getJsonObject("vmaf");
    assertThat(vmaf.getBoolean("available")).isFalse();
    assertThat(vmaf.getString("reason")).contains("model").contains("--vmaf-model");
    assertThat(vmaf.containsKey("mean")).isFalse();
    assertThat(scorer.getBoolean("libvmaf")).isTrue();
    assertThat(scorer.getBoolean("vmaf_works")).isFalse();

    // The distribution FFmpeg scores the kept encode against the same frames: the same figures.
    Path encoded = Path.of(r.getString("output_file"));
    JobSpec spec = JobSpec.fromStored(r.getJsonObject("spec"));
    Path work = Files.createDirectories(dir.resolve("rescore"));
    List<String> cmd =
        FfmpegCommand.quality(
            "ffmpeg",
            SourceInfo.synthetic(spec.input()),
            encoded,
            List.of(JobSpec.QualityMetric.PSNR, JobSpec.QualityMetric.SSIM),
            1);
    Process p =
        new ProcessBuilder(cmd)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("log").toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(work.resolve("log"))).isZero();
    JsonObject psnr = QualityScores.psnr(work.resolve("psnr.log"));
    JsonObject ssim = QualityScores.ssim(work.resolve("ssim.log"));
    assertThat(q.getJsonObject("psnr").getInteger("frames")).isEqualTo(25);
    assertThat(q.getJsonObject("psnr").getDouble("mean"))
        .isCloseTo(psnr.getDouble("mean"), within(0.01));
    assertThat(q.getJsonObject("ssim").getDouble("mean"))
        .isCloseTo(ssim.getDouble("mean"), within(0.0005));
  }
}
