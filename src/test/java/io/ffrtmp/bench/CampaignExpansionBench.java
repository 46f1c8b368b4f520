package io.ffrtmp.bench;

import io.ffrtmp.job.Campaign;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.IntStream;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * Benchmark, not a test: how long {@link Campaign#parse} takes to expand and validate the largest
 * campaign a master accepts, in three shapes: 10,000 configurations with distinct keys (repeat 1),
 * 10,000 that share one encoding key (they differ in GOP and measurement settings: the shape of
 * issue 11, quadratic before the fix), and 1,000 configurations repeated 10 times. Usage (after
 * {@code mvn test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt}): {@code java -cp
 * target/classes:target/test-classes:$(cat cp.txt) io.ffrtmp.bench.CampaignExpansionBench [RUNS]}
 */
public final class CampaignExpansionBench {

  private CampaignExpansionBench() {}

  /**
   * 25 CRFs x 10 presets x 4 resolutions x 10 thread counts = 10,000 configurations, divided by
   * {@code repeat}.
   */
  public static JsonObject campaign(int repeat) {
    int threads = 10 / repeat;
    return new JsonObject()
        .put("name", "large")
        .put(
            "base",
            new JsonObject()
                .put("video", new JsonObject().put("encoder", "libx264"))
                .put("input", new JsonObject().put("duration_s", 1)))
        .put(
            "axes",
            new JsonObject()
                .put("video.crf", new JsonArray(IntStream.rangeClosed(18, 42).boxed().toList()))
                .put(
                    "video.preset",
                    new JsonArray()
                        .add("ultrafast")
                        .add("superfast")
                        .add("veryfast")
                        .add("faster")
                        .add("fast")
                        .add("medium")
                        .add("slow")
                        .add("slower")
                        .add("veryslow")
                        .add("placebo"))
                .put(
                    "video.resolution",
                    new JsonArray().add("320x240").add("640x360").add("1280x720").add("1920x1080"))
                .put(
                    "video.threads",
                    new JsonArray(IntStream.rangeClosed(1, threads).boxed().toList())))
        .put("repeat", repeat)
        .put("idle_baseline_s", 0);
  }

  /**
   * 100 GOPs x 10 poll intervals x 10 settle times: 10,000 configurations with the same encoding
   * key.
   */
  public static JsonObject sharedKey() {
    return new JsonObject()
        .put("name", "shared-key")
        .put(
            "axes",
            new JsonObject()
                .put("video.gop", new JsonArray(IntStream.rangeClosed(1, 100).boxed().toList()))
                .put(
                    "measure.interval_ms",
                    new JsonArray(IntStream.range(100, 110).boxed().toList()))
                .put(
                    "measure.settle_max_s",
                    new JsonArray(IntStream.range(10, 20).boxed().toList())));
  }

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    for (String shape : new String[] {"distinct keys", "shared key", "repeat 10"}) {
      JsonObject json =
          switch (shape) {
            case "distinct keys" -> campaign(1);
            case "shared key" -> sharedKey();
            default -> campaign(10);
          };
      for (int i = 0; i < 3; i++) {
        Campaign.parse(json, "warm-up");
      }
      DescriptiveStatistics ms = new DescriptiveStatistics();
      int jobs = 0;
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        jobs = Campaign.parse(json, "bench").jobCount();
        ms.addValue((System.nanoTime() - t0) / 1e6);
      }
      System.out.printf(
          "%s: %d jobs (%d bytes of JSON): parse median %.0f ms, min %.0f, max %.0f, n=%d%n",
          shape,
          jobs,
          json.encode().length(),
          ms.getPercentile(50),
          ms.getMin(),
          ms.getMax(),
          runs);
    }
  }
}
