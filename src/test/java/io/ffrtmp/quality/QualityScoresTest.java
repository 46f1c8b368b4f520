package io.ffrtmp.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityScoresTest {

  @TempDir Path dir;

  @Test
  void psnrPoolsMseLikeFfmpegAndKeepsTheWorstFrames() throws Exception {
    Path f = dir.resolve("psnr.log");
    Files.writeString(
        f,
        """
        n:1 mse_avg:3.21 mse_y:2.49 mse_u:4.61 mse_v:4.68 psnr_avg:43.07 psnr_y:44.17 psnr_u:41.50 psnr_v:41.43
        n:2 mse_avg:6.32 mse_y:5.21 mse_u:8.70 mse_v:8.35 psnr_avg:40.13 psnr_y:40.96 psnr_u:38.73 psnr_v:38.91
        n:3 mse_avg:0.00 mse_y:0.00 mse_u:0.00 mse_v:0.00 psnr_avg:inf psnr_y:inf psnr_u:inf psnr_v:inf
        """);
    JsonObject s = QualityScores.psnr(f);
    double meanMse = (3.21 + 6.32 + 0) / 3;
    assertThat(s.getDouble("mean")).isCloseTo(10 * Math.log10(255 * 255 / meanMse), within(1e-4));
    assertThat(s.getDouble("min")).isEqualTo(40.13);
    assertThat(s.getInteger("frames")).isEqualTo(3);
  }

  @Test
  void ssimAveragesAllPerFrame() throws Exception {
    Path f = dir.resolve("ssim.log");
    Files.writeString(
        f,
        "n:1 Y:0.99 U:0.98 V:0.99 All:0.990 (20.0)\nn:2 Y:0.97 U:0.96 V:0.97 All:0.970 (15.2)\n");
    JsonObject s = QualityScores.ssim(f);
    assertThat(s.getDouble("mean")).isCloseTo(0.98, within(1e-9));
    assertThat(s.getDouble("min")).isEqualTo(0.97);
  }

  @Test
  void vmafReadsLibvmafJsonWithModelAndPooling() throws Exception {
    Path f = dir.resolve("vmaf.json");
    Files.writeString(
        f,
        """
        {"version": "2.3.1", "fps": 40.1,
         "frames": [{"frameNum": 0, "metrics": {"integer_adm2": 0.98, "vmaf": 96.0}},
                    {"frameNum": 1, "metrics": {"integer_adm2": 0.97, "vmaf": 90.0}},
                    {"frameNum": 2, "metrics": {"integer_adm2": 0.99, "vmaf": 93.0}}],
         "pooled_metrics": {"vmaf": {"min": 90.0, "max": 96.0, "mean": 93.0, "harmonic_mean": 92.95}}}\
        """);
    JsonObject s = QualityScores.vmaf(f, "vmaf_v0.6.1", 2);
    assertThat(s.getDouble("mean")).isEqualTo(93.0);
    assertThat(s.getDouble("min")).isEqualTo(90.0);
    assertThat(s.getDouble("harmonic_mean")).isEqualTo(92.95);
    assertThat(s.getString("model")).isEqualTo("vmaf_v0.6.1");
    assertThat(s.getString("pooling")).isEqualTo("mean");
    assertThat(s.getInteger("n_threads")).isEqualTo(2);
    assertThat(s.getInteger("frames")).isEqualTo(3);
  }
}
