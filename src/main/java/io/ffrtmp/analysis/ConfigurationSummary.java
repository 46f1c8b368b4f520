package io.ffrtmp.analysis;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Everything the report says about one configuration (one {@code config_key}), aggregated over its
 * repetitions. Means are over succeeded runs only; null means no succeeded run reported that
 * figure.
 *
 * @param rank 1-based position within {@code group}, ascending J/frame; null for failed
 *     configurations
 * @param paretoFront on the energy–quality front of its group
 * @param paretoFront3 on the three-way (J/frame, bitrate, quality) front of its group, judged on
 *     means
 * @param cost energy, cost and carbon per job and per hour of content ({@link CostModel}); null
 *     when no succeeded run reported energy
 * @param repeat for a {@code repeat: "auto"} campaign, the runs made and whether the interval
 *     converged; null otherwise
 * @param search for a quality-targeted configuration ({@code video.target}), the value its searches
 *     chose and what they cost; null otherwise
 */
public record ConfigurationSummary(
    String configKey,
    JsonObject config,
    int succeeded,
    int failed,
    String firstError,
    MeanWithInterval joulesPerFrame,
    Double aboveIdleJoulesPerFrameMean,
    Double avgWattsMean,
    Double speedMean,
    Double psnrMeanDb,
    Double ssimMean,
    Double bitrateKbpsMean,
    Double fpsMean,
    Double vmafMean,
    EnergyProvenance energy,
    JsonObject cost,
    JsonObject repeat,
    JsonObject search,
    RankGroup group,
    Integer rank,
    boolean paretoFront,
    boolean paretoFront3) {

  public ConfigurationSummary {
    config = config == null ? new JsonObject() : config.copy();
    cost = cost == null ? null : cost.copy();
    repeat = repeat == null ? null : repeat.copy();
    search = search == null ? null : search.copy();
  }

  @Override
  public JsonObject config() {
    return config.copy();
  }

  /** Mean J/frame, or null when no succeeded run reported energy. */
  public Double joulesPerFrameMean() {
    return joulesPerFrame == null ? null : joulesPerFrame.mean();
  }

  /** The figure on the Pareto front's quality axis. */
  public Double quality(QualityMetric metric) {
    return switch (metric) {
      case PSNR -> psnrMeanDb;
      case SSIM -> ssimMean;
      case VMAF -> vmafMean;
    };
  }

  ConfigurationSummary ranked(
      RankGroup newGroup, Integer newRank, boolean onFront, boolean onFront3) {
    return new ConfigurationSummary(
        configKey,
        config,
        succeeded,
        failed,
        firstError,
        joulesPerFrame,
        aboveIdleJoulesPerFrameMean,
        avgWattsMean,
        speedMean,
        psnrMeanDb,
        ssimMean,
        bitrateKbpsMean,
        fpsMean,
        vmafMean,
        energy,
        cost,
        repeat,
        search,
        newGroup,
        newRank,
        onFront,
        onFront3);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("config_key", configKey)
        .put("config", config.copy())
        .put("succeeded", succeeded)
        .put("failed", failed)
        .put("first_error", firstError)
        .put("joules_per_frame", joulesPerFrame == null ? null : joulesPerFrame.toJson())
        .put("above_idle_joules_per_frame_mean", aboveIdleJoulesPerFrameMean)
        .put("avg_watts_mean", avgWattsMean)
        .put("speed_mean", speedMean)
        .put("psnr_mean_db", psnrMeanDb)
        .put("ssim_mean", ssimMean)
        .put("bitrate_kbps_mean", bitrateKbpsMean)
        .put("fps_mean", fpsMean)
        .put("vmaf_mean", vmafMean)
        .put("energy", energy == null ? null : energy.toJson())
        .put("cost", cost == null ? null : cost.copy())
        .put("repeat", repeat == null ? null : repeat.copy())
        .put("target_search", search == null ? null : search.copy())
        .put("rank_group", group == null ? null : group.name().toLowerCase(Locale.ROOT))
        .put("rank", rank)
        .put("pareto_front", paretoFront)
        .put("pareto_front_3", paretoFront3);
  }
}
