package io.ffrtmp.node;

import io.ffrtmp.cli.PowerSourceOptions;
import io.ffrtmp.power.PowerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The node's own options for {@code --role standalone} (data, database, FFmpeg, slots, media roots, energy sources). */
public final class StandaloneNodeOptions {

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Database, node id, API secrets and work files "
    + "(default: $FFRTMP_DATA_DIR, /var/lib/ffrtmp for root, else ~/.local/share/ffrtmp).")
  Path dataDir;

  @Option(names = "--db", paramLabel = "URI", description = "External PostgreSQL instead of the embedded one. Also $FFRTMP_DB.")
  String db;

  @Option(names = "--ffmpeg", paramLabel = "PATH", description = "FFmpeg binary (default: ${DEFAULT-VALUE}).", defaultValue = "ffmpeg")
  String ffmpeg;

  @Option(names = "--slots", paramLabel = "N", description = "Jobs the worker may run at once (default: ${DEFAULT-VALUE}).",
    defaultValue = "1")
  int slots;

  @Option(names = "--media-root", paramLabel = "DIR", description = "A directory file inputs may come from (repeatable).")
  List<Path> mediaRoots = new ArrayList<>();

  @Mixin
  PowerSourceOptions sources;

  public NodeConfig nodeConfig() {
    String dbUri = db != null ? db : System.getenv("FFRTMP_DB");
    return new NodeConfig(dataDir != null ? dataDir : NodeConfig.defaultDataDir(), dbUri, ffmpeg, slots,
      sources.applyTo(new PowerConfig(PowerConfig.DEFAULT_POWERCAP_ROOT, PowerConfig.DEFAULT_PROC_ROOT,
        PowerConfig.DEFAULT_POLL_INTERVAL_MS, null, null)), List.copyOf(mediaRoots));
  }
}
