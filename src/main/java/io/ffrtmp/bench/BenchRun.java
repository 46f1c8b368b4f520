package io.ffrtmp.bench;

import static io.ffrtmp.node.Blocking.await;

import io.ffrtmp.analysis.CampaignAnalysis;
import io.ffrtmp.analysis.DensityReport;
import io.ffrtmp.analysis.QualityMetric;
import io.ffrtmp.analysis.RankingTable;
import io.ffrtmp.analysis.ReportSections;
import io.ffrtmp.analysis.ResultFiles;
import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.ClusterOptions;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.Density;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobState;
import io.ffrtmp.live.RtmpServer;
import io.ffrtmp.node.NodeConfig;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One bench run: start the standalone node, measure the idle baseline, submit the campaign through
 * the master, follow it to the end, then rank and write the files. Ctrl-C cancels what has not
 * finished and still writes what has.
 */
final class BenchRun implements Callable<Integer> {

  private final Campaign campaign;
  private final NodeConfig config;

  /** Null: run here; else join this cluster and run there. */
  private final ClusterOptions cluster;

  private final boolean everyNode;
  private final Path outDir;
  private final boolean interactive;
  private final PrintStream out;
  private final PrintStream err;
  private final CountDownLatch allDone = new CountDownLatch(1);
  private final CountDownLatch reportWritten = new CountDownLatch(1);
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final AtomicReference<UUID> campaignId = new AtomicReference<>();
  private final List<String> warnings = new ArrayList<>();
  private volatile BenchBackend node;

  BenchRun(
      Campaign campaign,
      NodeConfig config,
      Path outDir,
      boolean interactive,
      PrintStream out,
      PrintStream err) {
    this(campaign, config, null, false, outDir, interactive, out, err);
  }

  BenchRun(
      Campaign campaign,
      NodeConfig config,
      ClusterOptions cluster,
      boolean everyNode,
      Path outDir,
      boolean interactive,
      PrintStream out,
      PrintStream err) {
    this.campaign = campaign;
    this.config = config;
    this.cluster = cluster;
    this.everyNode = everyNode;
    this.outDir = outDir;
    this.interactive = interactive;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Thread hook = new Thread(this::onInterrupt, "ffrtmp-ctrl-c");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run();
    } catch (FfmpegInfo.MissingException | RtmpServer.MissingException e) {
      err.println(e.getMessage());
      return BenchCommand.EXIT_MISSING_DEPENDENCY;
    } catch (IllegalStateException e) {
      err.println(e.getMessage());
      return e.getMessage() != null && e.getMessage().contains("install")
          ? BenchCommand.EXIT_MISSING_DEPENDENCY
          : 1;
    } catch (Exception e) {
      err.println("bench failed: " + describe(e));
      return 1;
    } finally {
      BenchBackend n = node;
      if (n != null) {
        n.close();
      }
      reportWritten.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down (Ctrl-C): the hook is running and waits for reportWritten.
      }
    }
  }

  private int run() throws Exception {
    if (cluster == null) {
      err.printf(
          "ffrtmp bench: campaign '%s', %d configurations x %d = %d jobs; data in %s%n",
          campaign.name(),
          campaign.configurations().size(),
          campaign.repeat(),
          campaign.jobCount(),
          config.dataDir());
      node = BenchBackend.local(config);
    } else {
      err.printf(
          "ffrtmp bench: campaign '%s', %d configurations x %d%s; joining cluster %s via %s%n",
          campaign.name(),
          campaign.configurations().size(),
          campaign.repeat(),
          everyNode || campaign.everyNode() ? " on every node" : "",
          cluster.name(),
          String.join(",", cluster.join()));
      node = BenchBackend.cluster(cluster);
    }
    if (interrupted.get()) {
      return BenchCommand.EXIT_INTERRUPTED;
    }
    var bus = node.vertx().eventBus();
    if (node.localNode() != null) {
      describeEnergySources(node.localNode());
    } else {
      err.println(
          "energy: measured or estimated on each node as its sources allow (each result says"
              + " which); no idle baseline in cluster mode");
    }

    JsonObject baseline = null;
    if (campaign.idleBaselineS() > 0 && node.measuresIdleBaseline()) {
      err.printf(
          "measuring the idle baseline for %.0f s (keep the machine quiet)...%n",
          campaign.idleBaselineS());
      JsonObject reply =
          await(
                  bus.<JsonObject>request(
                      Addresses.WORKER_IDLE_BASELINE,
                      new JsonObject().put("duration_s", campaign.idleBaselineS()),
                      new DeliveryOptions()
                          .setSendTimeout((long) (campaign.idleBaselineS() * 1000) + 30_000)),
                  660)
              .body();
      baseline = reply.getJsonObject("idle_baseline");
      noisyBaselineWarning(baseline)
          .ifPresent(
              w -> {
                err.println("warning: " + w);
                warnings.add(w);
              });
    }
    if (interrupted.get()) {
      err.println("interrupted before the first job; nothing was run");
      return BenchCommand.EXIT_INTERRUPTED;
    }

    if (campaign.density() != null) {
      return runDensity(campaign.density(), baseline);
    }

    // Made once the master says how many jobs there are (placed on every node, a campaign has more
    // than its file says).
    AtomicReference<BenchProgress> bar = new AtomicReference<>();
    MessageConsumer<JsonObject> progressConsumer =
        bus.consumer(
            Addresses.JOB_PROGRESS,
            m -> {
              if (mine(m.body()) && bar.get() != null) {
                bar.get().progress(m.body());
              }
            });
    MessageConsumer<JsonObject> eventConsumer =
        bus.consumer(
            Addresses.JOB_EVENTS,
            m -> {
              if (bar.get() != null) {
                onEvent(m.body(), bar.get());
              }
            });
    await(progressConsumer.completion(), 10);
    await(eventConsumer.completion(), 10);

    JsonObject submitted;
    try {
      submitted =
          await(
                  bus.<JsonObject>request(
                      Addresses.CAMPAIGN_SUBMIT,
                      new JsonObject()
                          .put(
                              "campaign",
                              campaign
                                  .source()
                                  .copy()
                                  .put(
                                      "repeat",
                                      campaign.autoRepeat() != null ? "auto" : campaign.repeat())
                                  .put("idle_baseline_s", campaign.idleBaselineS()))
                          .put("name", campaign.name())
                          .put("actor", "bench")
                          .put("every_node", everyNode)),
                  60)
              .body();
    } catch (ReplyException e) {
      if (e.failureType() == ReplyFailure.RECIPIENT_FAILURE
          && e.failureCode() == Addresses.BAD_REQUEST) {
        err.println("campaign rejected: " + e.getMessage());
        return BenchCommand.EXIT_BAD_INPUT;
      }
      err.println(
          "no master took the campaign ("
              + e.getMessage()
              + ")"
              + (cluster == null
                  ? ""
                  : "; is a master running in cluster "
                      + cluster.name()
                      + " at "
                      + String.join(",", cluster.join())
                      + "?"));
      return 1;
    }
    UUID id = UUID.fromString(submitted.getString("campaign_id"));
    BenchProgress progress =
        new BenchProgress(
            campaign.name(),
            submitted.getInteger("jobs", campaign.jobCount()),
            campaign.autoRepeat() != null,
            interactive,
            err);
    bar.set(progress);
    campaignId.set(id);
    checkDone(id);
    if (cluster != null) {
      // Events are the fast path; this catches any missed while the client was busy.
      node.vertx().setPeriodic(5000, t -> checkDone(id));
    }

    allDone.await();
    progress.close();
    await(node.finished(id, baseline), 30);
    return report(id);
  }

  /**
   * A density campaign: the schedule's steps one after another, each N identical live streams at
   * once (jobs of this campaign, added when the step starts), judged when all have ended.
   */
  private int runDensity(Density d, JsonObject baseline) throws Exception {
    Campaign.Configuration base = campaign.configurations().get(0);
    UUID id = await(node.createEmpty(campaign, "bench"), 60);
    campaignId.set(id);
    URI app = node.rtmpApplication();
    err.printf(
        "density: %s from %d to at most %d streams, %.1f s each step%s%n",
        d.schedule(), d.start(), d.max(), d.windowS(), app == null ? "" : "; streams on " + app);
    DensitySchedule schedule = new DensitySchedule(d.start(), d.max());
    JsonArray steps = new JsonArray();
    int seq = 0;
    int order = 0;
    for (OptionalInt next = schedule.next();
        next.isPresent() && !interrupted.get();
        next = schedule.next()) {
      int n = next.getAsInt();
      order++;
      String key = base.key() + " | " + n + " streams";
      List<JobSpec> specs = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        specs.add(stream(base.spec(), d, app, id, n, i));
      }
      err.printf("density step %d: %d stream(s) at once...%n", order, n);
      await(node.addJobs(id, key, specs, seq, "bench"), 60);
      seq += n;
      awaitNoOpenJob(id);
      List<JsonObject> results =
          await(node.results(id), 60).stream()
              .filter(r -> key.equals(r.getString("config_key")))
              .toList();
      JsonObject step = DensityReport.step(n, order, results);
      steps.add(step);
      if (interrupted.get()) {
        step.put("held", false).put("note", "interrupted");
        break;
      }
      schedule.record(n, step.getBoolean("held"));
      err.printf(
          "  %d of %d held realtime: %s%n",
          step.getInteger("streams_holding"), n, step.getBoolean("held") ? "held" : "failed");
    }
    allDone.countDown();
    JsonObject density =
        d.toJson()
            .put(
                "rule",
                "a step of N streams holds when all N jobs succeed and each holds realtime ("
                    + REALTIME_RULE
                    + ") over its window; N: start, doubling (the last doubling capped at max)"
                    + " while steps hold, then bisecting between the largest N that held and the"
                    + " smallest that failed until they are adjacent")
            .put("largest_n", schedule.largest())
            .put("complete", !interrupted.get())
            .put("steps", steps);
    await(node.density(id, density), 30);
    await(node.finished(id, baseline), 30);
    JsonObject meta = await(node.meta(id), 30);
    List<JsonObject> results = await(node.results(id), 60);
    meta.put("description", campaign.description())
        .put("interrupted", interrupted.get())
        .put("warnings", new JsonArray(warnings))
        .put("density", density);
    CampaignAnalysis analysis =
        CampaignAnalysis.analyse(
            meta, results, QualityMetric.valueOf(campaign.qualityMetric().name()));
    out.println();
    out.println(DensityReport.table(density));
    ResultFiles.write(outDir, meta, results, analysis);
    warnings.forEach(w -> out.println("warning: " + w));
    out.println(outDir.toAbsolutePath().normalize());
    return interrupted.get() ? BenchCommand.EXIT_INTERRUPTED : 0;
  }

  private static final String REALTIME_RULE =
      "speed (output time known to a frame) >= 0.99 over every sliding window of"
          + " measure.realtime_window_s, dropped frames <= 0.5 %";

  /**
   * Stream {@code i} of a step of {@code n}: the base spec for the window, sharing the node
   * (attributed by CPU time), its output on its own key of the node's RTMP server.
   */
  static JobSpec stream(JobSpec base, Density d, URI app, UUID campaign, int n, int i) {
    JsonObject j = base.toJson();
    j.getJsonObject("input").put("duration_s", d.windowS());
    JsonObject measure = j.getJsonObject("measure", new JsonObject());
    measure.put("exclusive", false);
    double window =
        measure.getDouble("realtime_window_s", JobSpec.Measure.DEFAULT_REALTIME_WINDOW_S);
    measure.put("realtime_window_s", Math.min(window, d.windowS()));
    j.put("measure", measure);
    if ("rtmp".equals(base.output().type()) && app != null) {
      j.getJsonObject("output")
          .put(
              "url", app + "/density-" + campaign.toString().substring(0, 8) + "-n" + n + "-s" + i);
    }
    return JobSpec.fromJson(j);
  }

  /** The store is the truth: every job added so far has ended (or Ctrl-C canceled it). */
  private void awaitNoOpenJob(UUID id) throws Exception {
    while (true) {
      Map<JobState, Integer> states = await(node.states(id), 30);
      int open =
          states.entrySet().stream()
              .filter(s -> !s.getKey().terminal())
              .mapToInt(Map.Entry::getValue)
              .sum();
      if (open == 0) {
        return;
      }
      Thread.sleep(500);
    }
  }

  /**
   * Idle spread above this share of the mean makes "above idle" figures unreliable; below the
   * absolute floor the spread is within what a small machine's own background (this JVM, the
   * database) makes anyway.
   */
  static final double NOISY_BASELINE_RATIO = 0.10;

  static final double NOISY_BASELINE_FLOOR_W = 0.5;

  static Optional<String> noisyBaselineWarning(JsonObject baseline) {
    Double avg = baseline == null ? null : baseline.getDouble("avg_watts");
    Double sd = baseline == null ? null : baseline.getDouble("stddev_watts");
    if (avg == null
        || sd == null
        || avg <= 0
        || sd / avg <= NOISY_BASELINE_RATIO
        || sd <= NOISY_BASELINE_FLOOR_W) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "the idle baseline is noisy (%.2f W ± %.2f W, %.0f %%): something else is using this"
                + " machine; above-idle figures are unreliable. Quiet the machine or lengthen "
                + "idle_baseline_s",
            avg,
            sd,
            100 * sd / avg));
  }

  /**
   * Says up front how energy will be measured, and how to fix any counter that exists but cannot be
   * read.
   */
  private void describeEnergySources(JsonObject nodeSnapshot) {
    JsonArray sources = nodeSnapshot.getJsonArray("power_sources", new JsonArray());
    List<JsonObject> all = sources.stream().map(JsonObject.class::cast).toList();
    List<String> used =
        all.stream()
            .filter(s -> Boolean.TRUE.equals(s.getBoolean("usable")))
            .map(s -> s.getString("name"))
            .toList();
    boolean measured =
        all.stream()
            .anyMatch(
                s ->
                    Boolean.TRUE.equals(s.getBoolean("usable"))
                        && !s.getString("name", "").startsWith("cpu-utilisation-model"));
    err.printf(
        "energy: %s (%s)%n",
        measured ? "measured" : "ESTIMATED, not measured", String.join(", ", used));
    for (JsonObject s : all) {
      if (!Boolean.TRUE.equals(s.getBoolean("usable")) && s.getString("fix") != null) {
        err.printf(
            "  %s (%s): %s%n    fix: %s%n",
            s.getString("name"), s.getString("path"), s.getString("detail"), s.getString("fix"));
      } else if (!Boolean.TRUE.equals(s.getBoolean("usable")) && !measured) {
        err.printf("  %s: %s%n", s.getString("name"), s.getString("detail"));
      }
    }
  }

  private boolean mine(JsonObject body) {
    UUID id = campaignId.get();
    return id != null && id.toString().equals(body.getString("campaign_id"));
  }

  private void onEvent(JsonObject e, BenchProgress progress) {
    if (!mine(e)) {
      return;
    }
    String to = e.getString("to");
    if (to != null && JobState.of(to).terminal()) {
      if (e.getString("job_id") != null) {
        progress.finished(e.getString("config_key"), to, e.getString("reason"));
      }
      checkDone(campaignId.get());
    }
  }

  /** The store is the truth: the campaign is done when no job of it is left unfinished. */
  private void checkDone(UUID id) {
    node.states(id)
        .onSuccess(
            states -> {
              int open =
                  states.entrySet().stream()
                      .filter(s -> !s.getKey().terminal())
                      .mapToInt(Map.Entry::getValue)
                      .sum();
              if (open == 0) {
                allDone.countDown();
              }
            });
  }

  private int report(UUID id) throws Exception {
    JsonObject meta = await(node.meta(id), 30);
    List<JsonObject> results = await(node.results(id), 60);
    meta.put("description", campaign.description())
        .put("interrupted", interrupted.get())
        .put("warnings", new JsonArray(warnings));
    QualityMetric metric = QualityMetric.valueOf(campaign.qualityMetric().name());
    CampaignAnalysis analysis = CampaignAnalysis.analyse(meta, results, metric);
    out.println();
    out.println(RankingTable.render(analysis));
    String findings = ReportSections.text(analysis);
    if (!findings.isEmpty()) {
      out.println(findings);
    }
    ResultFiles.write(outDir, meta, results, analysis);
    long shortJobs =
        results.stream()
            .filter(
                r ->
                    r.getJsonObject("energy") != null
                        && r.getJsonObject("energy").getJsonArray("warnings") != null)
            .count();
    if (shortJobs > 0) {
      out.printf(
          "warning: %d job(s) had an energy window too short for 2 %% precision (see \"warnings\""
              + " in results.json); use longer clips%n",
          shortJobs);
    }
    warnings.forEach(w -> out.println("warning: " + w));
    long done =
        results.stream().filter(r -> JobState.SUCCEEDED.id().equals(r.getString("state"))).count();
    if (interrupted.get()) {
      out.printf(
          "interrupted: %d of %d jobs finished; their results are in%n", done, results.size());
    }
    out.println(outDir.toAbsolutePath().normalize());
    return interrupted.get() ? BenchCommand.EXIT_INTERRUPTED : 0;
  }

  /**
   * Ctrl-C: cancel the campaign (the worker stops FFmpeg), let {@link #run} write the report, then
   * let the JVM go.
   */
  private void onInterrupt() {
    interrupted.set(true);
    BenchBackend n = node;
    UUID id = campaignId.get();
    if (n != null && id != null && allDone.getCount() > 0) {
      err.println();
      err.println("interrupted: stopping the running job and saving finished results...");
      n.vertx()
          .eventBus()
          .request(
              Addresses.CAMPAIGN_CANCEL,
              new JsonObject()
                  .put("campaign_id", id.toString())
                  .put("reason", "interrupted by the user (Ctrl-C)")
                  .put("actor", "bench"));
    }
    try {
      reportWritten.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
