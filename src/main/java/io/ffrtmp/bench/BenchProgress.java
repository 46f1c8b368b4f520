package io.ffrtmp.bench;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows where a campaign is: job k of n, the current configuration, its fps, speed and watts, and
 * elapsed time. A live bar on a terminal; one line per finished job otherwise (logs, CI), so output
 * stays readable when redirected.
 */
final class BenchProgress implements AutoCloseable {

  private int total;

  /** More jobs may come ({@code repeat: "auto"}): the count shows as "6+" and grows as they do. */
  private final boolean open;

  private final PrintStream out;
  private final ProgressBar bar;
  private int finished;
  private String currentKey = "";

  BenchProgress(String campaign, int total, boolean interactive, PrintStream out) {
    this(campaign, total, false, interactive, out);
  }

  BenchProgress(String campaign, int total, boolean open, boolean interactive, PrintStream out) {
    this.total = total;
    this.open = open;
    this.out = out;
    this.bar =
        interactive
            ? new ProgressBarBuilder()
                .setTaskName(campaign)
                .setInitialMax(total * 100L)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(250)
                .setUnit(" jobs", 100)
                .continuousUpdate()
                .build()
            : null;
  }

  /** A progress sample from the worker. */
  synchronized void progress(JsonObject p) {
    currentKey = p.getString("config_key", currentKey);
    Long frame = p.getLong("frame");
    Long frames = p.getLong("frames_total");
    if (bar != null) {
      int pct =
          frame == null || frames == null || frames == 0
              ? 0
              : (int) Math.min(99, 100 * frame / frames);
      bar.stepTo(finished * 100L + pct);
      bar.setExtraMessage(
          String.format(
              Locale.ROOT,
              "job %d/%s %s %s fps %s %s",
              Math.min(finished + 1, total),
              totalLabel(),
              currentKey,
              fmt(p.getDouble("fps"), "%.0f"),
              fmt(p.getDouble("speed"), "%.2fx"),
              watts(p)));
    }
  }

  /** A job reached a final state. */
  synchronized void finished(String configKey, String state, String reason) {
    finished++;
    if (finished > total) {
      total = finished;
      if (bar != null) {
        bar.maxHint(total * 100L);
      }
    }
    if (bar != null) {
      bar.stepTo(finished * 100L);
    } else {
      out.printf(
          Locale.ROOT,
          "[%d/%s] %s: %s%s%n",
          finished,
          totalLabel(),
          configKey,
          state,
          reason == null || "finished".equals(reason) ? "" : " (" + reason + ")");
    }
  }

  private String totalLabel() {
    return open ? total + "+" : String.valueOf(total);
  }

  int finishedCount() {
    return finished;
  }

  private static String watts(JsonObject p) {
    Double w = p.getDouble("watts");
    if (w == null) {
      return "";
    }
    String est = "estimated".equals(p.getString("energy_provenance")) ? " (est.)" : "";
    return String.format(Locale.ROOT, "%.1f W%s", w, est);
  }

  private static String fmt(Double v, String pattern) {
    return v == null ? "-" : String.format(Locale.ROOT, pattern, v);
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
