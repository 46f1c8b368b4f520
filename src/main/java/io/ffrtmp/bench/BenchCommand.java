package io.ffrtmp.bench;

import io.ffrtmp.analysis.CampaignSettings;
import io.ffrtmp.cli.CommandLogging;
import io.ffrtmp.cli.options.ClusterFlags;
import io.ffrtmp.cli.options.PowerSourceOptions;
import io.ffrtmp.cli.options.QualityOptions;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.ClipFolder;
import io.ffrtmp.job.Density;
import io.ffrtmp.job.MediaRoots;
import io.ffrtmp.job.SpecException;
import io.ffrtmp.live.RtmpConfig;
import io.ffrtmp.master.store.Database;
import io.ffrtmp.node.NodeConfig;
import io.ffrtmp.power.PowerConfig;
import io.ffrtmp.power.PowerModelFile;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ffrtmp bench [CAMPAIGN]}: runs a campaign on this machine and ranks its configurations by
 * energy per frame.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Run a campaign of encoder settings on this machine, measure energy and quality, rank by"
          + " J/frame,",
      "and write results.json, results.csv and report.html."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:campaign finished (failed configurations are listed in the report)",
      "1:the run could not be carried out (database, interrupted)",
      "2:bad input (campaign file, option)",
      "3:a dependency is missing (FFmpeg, PostgreSQL binaries); the message says how to install it",
      "130:interrupted with Ctrl-C; finished results were written"
    })
public final class BenchCommand implements Callable<Integer> {

  public static final int EXIT_BAD_INPUT = 2;
  public static final int EXIT_MISSING_DEPENDENCY = 3;
  public static final int EXIT_INTERRUPTED = 130;
  static final String DEFAULT_CAMPAIGN = "conf/campaigns/quick.json";

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CAMPAIGN",
      description =
          "Campaign file (default: ${DEFAULT-VALUE}; the campaigns shipped in conf/campaigns are"
              + " also found by name).",
      defaultValue = DEFAULT_CAMPAIGN)
  String campaignFile;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Output directory (default: results/<campaign>-<time>).")
  Path out;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      description = "Runs per configuration, overriding the campaign's \"repeat\" (1-100).")
  Integer repeat;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where the node keeps its database, id and work files (default: $FFRTMP_DATA_DIR,"
              + " /var/lib/ffrtmp for root, else ~/.local/share/ffrtmp).")
  Path dataDir;

  @Option(
      names = "--db",
      paramLabel = "URI",
      description =
          "External PostgreSQL (postgresql://user:pass@host:port/db) instead of the embedded one. "
              + "Also $FFRTMP_DB.")
  String db;

  @Option(
      names = "--ffmpeg",
      paramLabel = "PATH",
      description = "FFmpeg binary (default: ${DEFAULT-VALUE}).",
      defaultValue = "ffmpeg")
  String ffmpeg;

  @Mixin PowerSourceOptions sources;

  @Mixin QualityOptions quality = new QualityOptions();

  @Option(
      names = "--poll-ms",
      paramLabel = "MS",
      description = "Energy counter poll interval (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000")
  long pollMs;

  @Option(
      names = "--idle-watts",
      paramLabel = "W",
      description = "Estimation model: node power at idle (used only where no sensor can be read).")
  Double idleWatts;

  @Option(
      names = "--max-watts",
      paramLabel = "W",
      description = "Estimation model: node power with every CPU busy.")
  Double maxWatts;

  @Option(
      names = "--model-file",
      paramLabel = "FILE",
      description =
          "Power model written by 'ffrtmp calibrate' on a node of the same hardware, used where no"
              + " RAPL counter is readable (instead of --idle-watts/--max-watts).")
  Path modelFile;

  @Option(
      names = "--idle-baseline",
      paramLabel = "S",
      description =
          "Seconds of idle baseline before the first job, overriding the campaign (0 skips).")
  Double idleBaselineS;

  @Option(
      names = "--media-root",
      paramLabel = "DIR",
      description =
          "A directory file inputs may come from (repeatable); "
              + "a spec's input.path is relative to one of them and may not leave it.")
  List<Path> mediaRoots = new ArrayList<>();

  @Option(
      names = "--slots",
      paramLabel = "N",
      description =
          "Jobs the worker may run at once (default: ${DEFAULT-VALUE}). Only jobs with \"measure\":"
              + " {\"exclusive\": false} share the node; their energy is attributed by CPU time.",
      defaultValue = "1")
  int slots;

  @Option(
      names = "--rtmp-port",
      paramLabel = "PORT",
      description =
          "RTMP port of the embedded nginx-rtmp that a campaign of live_synthetic jobs runs with"
              + " (started automatically; its statistics page takes PORT+1; default:"
              + " ${DEFAULT-VALUE}).",
      defaultValue = "1935")
  int rtmpPort;

  @Mixin ClusterFlags cluster;

  @Option(
      names = "--every-node",
      description =
          "With --join: run every configuration on every node that is up, to compare "
              + "hardware (ranked per node).")
  boolean everyNode;

  @Option(
      names = "--no-progress",
      description = "No live progress bar (one line per finished job instead).")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    CommandLogging.quietPowerLog();
    PrintStream err = System.err;
    PrintStream stdout = System.out;
    Campaign campaign;
    try {
      campaign = loadCampaign();
    } catch (SpecException e) {
      err.println(campaignFile + ": " + e);
      return EXIT_BAD_INPUT;
    } catch (NoSuchFileException e) {
      err.println(
          campaignFile
              + ": no such campaign file; shipped campaigns: "
              + String.join(", ", ShippedCampaigns.NAMES));
      return EXIT_BAD_INPUT;
    }
    String options = checkOptions();
    if (options != null) {
      err.println(options);
      return EXIT_BAD_INPUT;
    }
    boolean clustered = !cluster.join.isEmpty();
    Density density = campaign.density();
    if (density != null && clustered) {
      err.println(
          campaignFile
              + ": density: a density campaign measures the node it runs on; run it without"
              + " --join");
      return EXIT_BAD_INPUT;
    }
    RtmpConfig rtmp = RtmpConfig.OFF;
    if (!clustered
        && campaign.configurations().stream()
            .anyMatch(c -> "live_synthetic".equals(c.spec().input().type()))) {
      try {
        rtmp = RtmpConfig.parse("embedded", rtmpPort);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return EXIT_BAD_INPUT;
      }
    }
    if (!clustered) {
      try {
        FfmpegInfo.probe(ffmpeg);
      } catch (FfmpegInfo.MissingException e) {
        err.println(e.getMessage());
        return EXIT_MISSING_DEPENDENCY;
      }
    }
    Path outDir =
        out != null
            ? out
            : Path.of(
                "results",
                safeName(campaign.name())
                    + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    String dbUri = db != null ? db : System.getenv("FFRTMP_DB");
    for (Campaign.Configuration c : campaign.configurations()) {
      if (c.spec().input().isFile()
          && !clustered) { // on a cluster, each worker checks against its own media roots
        try {
          MediaRoots.resolve(mediaRoots, c.spec().input().path());
        } catch (MediaRoots.RejectedException e) {
          err.println(campaignFile + ": " + e.getMessage() + " (in " + c.origin() + ")");
          return EXIT_BAD_INPUT;
        }
      }
    }
    NodeConfig config =
        quality.applyTo(
            new NodeConfig(
                dataDir != null ? dataDir : NodeConfig.defaultDataDir(),
                dbUri,
                ffmpeg,
                density == null ? slots : Math.max(slots, density.max()),
                sources
                    .applyTo(
                        new PowerConfig(
                            PowerConfig.DEFAULT_POWERCAP_ROOT,
                            Path.of("/proc"),
                            pollMs,
                            idleWatts,
                            maxWatts))
                    .withModelFile(modelFile),
                List.copyOf(mediaRoots),
                rtmp));
    boolean interactive = !noProgress && System.console() != null;
    return new BenchRun(
            campaign,
            config,
            clustered ? cluster.options() : null,
            everyNode,
            outDir,
            interactive,
            stdout,
            err)
        .call();
  }

  /**
   * A campaign's name as one harmless path segment: it comes from a file, so it never steers where
   * files go.
   */
  static String safeName(String name) {
    String s = name.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[.-]+", "");
    return s.isEmpty() ? "campaign" : s.substring(0, Math.min(s.length(), 80));
  }

  private Campaign loadCampaign() throws IOException {
    Campaign c;
    Path file = Path.of(campaignFile);
    if (Files.isRegularFile(file)) { // a directory of that name (an earlier --out) is not it
      c = Campaign.load(file, ClipFolder.in(mediaRoots));
    } else {
      try (InputStream in = ShippedCampaigns.open(campaignFile)) {
        if (in == null) {
          throw new NoSuchFileException(campaignFile);
        }
        c =
            Campaign.parse(
                new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)),
                ShippedCampaigns.baseName(campaignFile),
                Campaign.MAX_JOBS,
                ClipFolder.in(mediaRoots));
      }
    }
    CampaignSettings.check(c);
    if (repeat != null) {
      if (repeat < 1 || repeat > 100) {
        throw new SpecException("--repeat", repeat + " is out of range; accepted: 1 to 100");
      }
      // A fixed count replaces "auto" too.
      JsonObject source = c.source().copy().put("repeat", repeat);
      source.remove("repeat_auto");
      c =
          new Campaign(
              c.name(),
              c.description(),
              source,
              c.configurations(),
              repeat,
              c.idleBaselineS(),
              c.qualityMetric());
    }
    if (idleBaselineS != null) {
      if (!(idleBaselineS >= 0 && idleBaselineS <= 600)) {
        throw new SpecException(
            "--idle-baseline", idleBaselineS + " is out of range; accepted: 0 to 600 seconds");
      }
      c =
          new Campaign(
              c.name(),
              c.description(),
              c.source(),
              c.configurations(),
              c.repeat(),
              idleBaselineS,
              c.qualityMetric());
    }
    return c;
  }

  private String checkOptions() {
    if (everyNode && cluster.join.isEmpty()) {
      return "--every-node: only with --join (a cluster to run on); on this machine there is one"
          + " node";
    }
    String clusterProblem = cluster.check();
    if (clusterProblem != null) {
      return clusterProblem;
    }
    String qualityProblem = quality.check();
    if (qualityProblem != null) {
      return qualityProblem;
    }
    if (slots < 1 || slots > 64) {
      return "--slots: " + slots + " is out of range; accepted: 1 to 64";
    }
    if (pollMs < 50 || pollMs > 60_000) {
      return "--poll-ms: " + pollMs + " is out of range; accepted: 50 to 60000";
    }
    if (idleWatts != null && !(idleWatts >= 0 && idleWatts < 100_000)) {
      return "--idle-watts: " + idleWatts + " is out of range; accepted: 0 to 100000";
    }
    if (maxWatts != null && !(maxWatts > 0 && maxWatts < 100_000)) {
      return "--max-watts: " + maxWatts + " is out of range; accepted: more than 0, below 100000";
    }
    if (idleWatts != null && maxWatts != null && maxWatts < idleWatts) {
      return "--max-watts: "
          + maxWatts
          + " is below --idle-watts "
          + idleWatts
          + "; accepted: at least the idle power";
    }
    if (modelFile != null && (idleWatts != null || maxWatts != null)) {
      return "--model-file: a calibrated model replaces --idle-watts/--max-watts; give one or the"
          + " other";
    }
    if (modelFile != null) {
      try {
        PowerModelFile.read(modelFile);
      } catch (IllegalArgumentException e) {
        return "--model-file: "
            + e.getMessage()
            + "; accepted: a file written by 'ffrtmp calibrate'";
      }
    }
    if (db != null) {
      try {
        Database.parse(db);
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
    return null;
  }
}
