package io.ffrtmp.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffrtmp.job.SpecException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QualityTargetTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "psnr=40|PSNR|40.0",
        "SSIM=0.95|SSIM|0.95",
        "vmaf=93|VMAF|93.0",
        " psnr = 38.5 |PSNR|38.5"
      })
  void parses(String text, QualityMetric metric, double value) {
    QualityTarget t = QualityTarget.parse(text, "--target");
    assertThat(t.metric()).isEqualTo(metric);
    assertThat(t.value()).isEqualTo(value);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "vmav=40|unknown metric 'vmav'; accepted: metric=value with metric one of psnr, ssim, vmaf",
        "psnr=200|out of PSNR's range; accepted: above 10.0 and at most 100.0",
        "ssim=1.5|out of SSIM's range",
        "vmaf=0|out of VMAF's range",
        "psnr|has no '='",
        "psnr=forty|'forty' is not a number"
      })
  void refusesNamingTheField(String text, String message) {
    assertThatThrownBy(() -> QualityTarget.parse(text, "--target"))
        .isInstanceOf(SpecException.class)
        .hasFieldOrPropertyWithValue("field", "--target")
        .hasMessageContaining(message);
  }
}
