package io.ffrtmp.cli;

import io.ffrtmp.analysis.CampaignAnalysis;
import io.ffrtmp.analysis.CostModel;
import io.ffrtmp.analysis.QualityMetric;
import io.ffrtmp.analysis.QualityTarget;
import io.ffrtmp.analysis.Recommendation;
import io.ffrtmp.cli.options.RecommendOptions;
import io.ffrtmp.job.SpecException;
import io.ffrtmp.job.StrictJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ffrtmp recommend results.json --target psnr=40 [--max-kbps N] [--baseline NAME]}: the
 * cheapest configuration in energy that reaches the floor, from a campaign's results file (a stored
 * campaign: {@code ffrtmp campaigns recommend ID}).
 */
@Command(
    name = "recommend",
    mixinStandardHelpOptions = true,
    description = {
      "The cheapest configuration in energy that reaches a quality floor (and a bitrate ceiling),",
      "its savings against a baseline with 95 % intervals, BD-rate and BD-energy when the",
      "campaign swept rates, and its cost and carbon. Reads a results.json written by bench or",
      "campaigns report; for a stored campaign use 'ffrtmp campaigns recommend ID'."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:answered (also when nothing qualifies: the answer says so)",
      "2:bad input: the message names the option or the file",
      "1:anything else"
    })
public final class RecommendCommand implements Callable<Integer> {

  static final int EXIT_BAD_INPUT = 2;

  @Parameters(paramLabel = "RESULTS_JSON", description = "A campaign's results.json.")
  Path file;

  @Mixin RecommendOptions options;

  @Option(names = "--json", description = "Print the recommendation as JSON.")
  boolean json;

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() {
    try {
      JsonObject answer = recommend(read(file), options);
      out.println(json ? answer.encodePrettily() : answer.getString("text"));
      return 0;
    } catch (SpecException e) {
      err.println(e);
      return EXIT_BAD_INPUT;
    }
  }

  /** The recommendation over a results file's jobs, as the API gives it for a stored campaign. */
  public static JsonObject recommend(JsonObject results, RecommendOptions options) {
    QualityTarget target = options.parsedTarget();
    Object meta = results.containsKey("campaign") ? results.getValue("campaign") : new JsonObject();
    if (!(meta instanceof JsonObject campaign)
        || !(results.getValue("jobs") instanceof JsonArray jobs)) {
      throw new SpecException(
          "RESULTS_JSON",
          "\"campaign\" must be an object and \"jobs\" a list; accepted: a results.json written by"
              + " bench or campaigns report");
    }
    List<JsonObject> list = new ArrayList<>(jobs.size());
    for (Object j : jobs) {
      if (!(j instanceof JsonObject job)) {
        throw new SpecException(
            "RESULTS_JSON", "\"jobs\" holds a " + kind(j) + "; accepted: objects");
      }
      list.add(job);
    }
    CostModel cost = options.cost(CostModel.of(campaign.getJsonObject("cost"), "cost"));
    CampaignAnalysis analysis =
        CampaignAnalysis.analyse(campaign, list, QualityMetric.fromCampaign(campaign), cost);
    String baseline = options.baseline != null ? options.baseline : analysis.baseline();
    return Recommendation.of(
        analysis,
        target,
        options.maxKbps,
        baseline,
        options.baseline != null ? "--baseline" : "baseline");
  }

  private static String kind(Object value) {
    return value == null
        ? "null"
        : value instanceof JsonArray ? "list" : value.getClass().getSimpleName();
  }

  private static JsonObject read(Path file) {
    try {
      if (StrictJson.parse(Files.readString(file, StandardCharsets.UTF_8)) instanceof JsonObject o
          && o.containsKey("jobs")) {
        return o;
      }
    } catch (IOException e) {
      throw new SpecException("RESULTS_JSON", file + ": cannot be read (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      throw new SpecException("RESULTS_JSON", file + ": not JSON (" + e.getMessage() + ")");
    }
    throw new SpecException(
        "RESULTS_JSON", file + ": not a results.json (an object with \"jobs\")");
  }
}
