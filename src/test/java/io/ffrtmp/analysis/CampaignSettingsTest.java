package io.ffrtmp.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.SpecException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The campaign fields the analysis reads are refused at submission, naming the field. */
class CampaignSettingsTest {

  private static Campaign check(String json) {
    return CampaignSettings.check(Campaign.parse(new JsonObject(json), "t"));
  }

  private static final String SWEEP =
      "\"configurations\": [{\"video\": {\"encoder\": \"libx264\", \"preset\": \"medium\"}},"
          + " {\"video\": {\"encoder\": \"libx265\", \"preset\": \"fast\"}}],"
          + " \"axes\": {\"video.crf\": [22, 26, 30, 34]}";

  @Test
  void aBaselineMustNameAConfiguration() {
    Campaign c = check("{" + SWEEP + ", \"baseline\": \"libx264 medium\"}");
    assertThat(c.configurations()).hasSize(8);
    check("{" + SWEEP + ", \"baseline\": \"libx265 fast crf26 1280x720p30\"}");
    assertThatThrownBy(() -> check("{" + SWEEP + ", \"baseline\": \"libsvtav1 10\"}"))
        .isInstanceOf(SpecException.class)
        .hasFieldOrPropertyWithValue("field", "baseline")
        .hasMessageContaining("'libsvtav1 10' is not a configuration of this campaign");
  }

  @Test
  void theRecommendationAndCostAreCheckedBeforeAnythingRuns() {
    assertThatThrownBy(() -> check("{" + SWEEP + ", \"recommend\": {\"target\": \"vmav=90\"}}"))
        .hasFieldOrPropertyWithValue("field", "recommend.target")
        .hasMessageContaining("unknown metric 'vmav'");
    assertThatThrownBy(
            () ->
                check(
                    "{" + SWEEP + ", \"recommend\": {\"target\": \"psnr=40\", \"max_kbps\": -1}}"))
        .hasFieldOrPropertyWithValue("field", "recommend.max_kbps");
    assertThatThrownBy(() -> check("{" + SWEEP + ", \"cost\": {\"pue\": 7}}"))
        .hasFieldOrPropertyWithValue("field", "cost.pue");
    check("{" + SWEEP + ", \"cost\": {\"price_per_kwh\": 0.25, \"currency\": \"EUR\"}}");
  }
}
