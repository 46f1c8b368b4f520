package io.ffrtmp.analysis;

import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.SpecException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The campaign fields the analysis reads, checked when a campaign is submitted (API, bus, bench) so
 * that nothing runs for a campaign whose report could not be made: the cost model, the
 * recommendation's floor and ceiling, and a baseline that names one of its configurations (a key,
 * or the start of one without the rate: {@code libx264 medium}).
 */
public final class CampaignSettings {

  private CampaignSettings() {}

  /** Returns the campaign when its settings are sound; otherwise a {@link SpecException}. */
  public static Campaign check(Campaign campaign) {
    JsonObject json = campaign.source();
    CostModel.of(json.getJsonObject("cost"), "cost");
    JsonObject rec = json.getJsonObject("recommend");
    if (rec != null) {
      QualityTarget.parse(rec.getString("target"), "recommend.target");
      Object max = rec.getValue("max_kbps");
      if (max != null && !(max instanceof Number n && n.doubleValue() > 0)) {
        throw new SpecException(
            "recommend.max_kbps", "'" + max + "' is not a positive number of kbit/s");
      }
    }
    String baseline = json.getString("baseline");
    if (baseline == null) {
      return campaign;
    }
    String wanted = baseline.trim();
    List<String> keys =
        campaign.configurations().stream().map(Campaign.Configuration::key).toList();
    for (String key : keys) {
      String label = RateCurves.label(key);
      if (key.equals(wanted)
          || label.equals(wanted)
          || label.startsWith(wanted + " ")
          || key.startsWith(wanted + " ")) {
        return campaign;
      }
    }
    throw new SpecException(
        "baseline",
        "'"
            + wanted
            + "' is not a configuration of this campaign; accepted: a configuration key, or its"
            + " start such as '"
            + RateCurves.label(keys.get(0))
            + "'");
  }
}
