package io.ffrtmp.cli.client;

import io.ffrtmp.job.SpecException;
import io.ffrtmp.job.StrictJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ffrtmp jobs ...}: single jobs on a node, over the REST API. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "Submit, list, follow, cancel and retry jobs on a node.",
    subcommands = {
      JobsCommand.Submit.class,
      JobsCommand.ListJobs.class,
      JobsCommand.Get.class,
      JobsCommand.Watch.class,
      JobsCommand.Cancel.class,
      JobsCommand.Retry.class,
      JobsCommand.Logs.class,
      JobsCommand.Power.class
    })
public final class JobsCommand {

  static final String[] LIST_HEADERS = {
    "id", "state", "queue", "priority", "configuration", "attempt", "node", "created"
  };
  static final String[] LIST_FIELDS = {
    "job_id", "state", "queue", "priority", "config_key", "attempt", "node_id", "created_at"
  };

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = "Queue one job; prints its id.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:done",
        "1:server error",
        "2:bad input (the field is named)",
        "3:cannot connect",
        "4:not authenticated or not allowed"
      })
  static final class Submit extends ClientCommand {
    @Option(
        names = "--spec",
        paramLabel = "FILE",
        description = "A job spec (JSON); the options below override its fields.")
    Path specFile;

    @Option(
        names = "--scenario",
        paramLabel = "NAME",
        description = "e.g. 4K60-h264, 1080p30-hevc, 720p-av1.")
    String scenario;

    @Option(
        names = "--bitrate",
        paramLabel = "RATE",
        description =
            "Target bitrate, e.g. 10M or 4500k (rate control cbr unless --rate-control vbr).")
    String bitrate;

    @Option(names = "--rate-control", paramLabel = "RC", description = "crf, cbr or vbr.")
    String rateControl;

    @Option(names = "--crf", paramLabel = "N", description = "Quality for rate control crf.")
    Integer crf;

    @Option(names = "--duration", paramLabel = "S", description = "Seconds of input to encode.")
    Double duration;

    @Option(
        names = "--input",
        paramLabel = "PATH|URL",
        description =
            "A file under one of the node's media roots, or a live rtmp:// or srt:// URL"
                + " (default: a synthetic pattern, or a live camera for a live- scenario).")
    String input;

    @Option(
        names = "--output",
        paramLabel = "URL",
        description = "Publish a live job's output to this rtmp:// or srt:// URL.")
    String output;

    @Option(
        names = "--encoder",
        paramLabel = "NAME",
        description = "e.g. libx264, h264_nvenc, or auto.")
    String encoder;

    @Option(names = "--preset", paramLabel = "NAME", description = "The encoder's preset.")
    String preset;

    @Option(
        names = "--resolution",
        paramLabel = "WxH",
        description = "Output size, e.g. 1920x1080.")
    String resolution;

    @Option(names = "--queue", paramLabel = "Q", description = "live, default or batch.")
    String queue;

    @Option(names = "--priority", paramLabel = "P", description = "high, medium or low.")
    String priority;

    @Option(
        names = "--engine",
        paramLabel = "E",
        description = "ffmpeg, gstreamer or auto (docs/engines.md).")
    String engine;

    @Option(names = "--name", paramLabel = "TEXT", description = "A label for the job.")
    String name;

    @Override
    int run(ApiClient api) throws ClientException {
      return print(api.post("api/v1/jobs", spec()), r -> r.getString("job_id"));
    }

    JsonObject spec() throws ClientException {
      JsonObject spec;
      try {
        Object parsed =
            specFile == null
                ? new JsonObject()
                : StrictJson.parse(Files.readString(specFile, StandardCharsets.UTF_8));
        if (!(parsed instanceof JsonObject o)) {
          throw new ClientException(
              EXIT_BAD_INPUT, "--spec: " + specFile + " is not a JSON object");
        }
        spec = o;
      } catch (SpecException e) {
        throw new ClientException(EXIT_BAD_INPUT, "--spec: " + specFile + ": " + e);
      } catch (IOException | RuntimeException e) {
        throw new ClientException(
            EXIT_BAD_INPUT,
            "--spec: " + specFile + " is not a readable JSON object: " + e.getMessage());
      }
      put(spec, "name", name);
      put(spec, "scenario", scenario);
      put(spec, "queue", lower(queue));
      put(spec, "priority", lower(priority));
      put(spec, "engine", lower(engine));
      JsonObject video = spec.getJsonObject("video", new JsonObject());
      put(video, "encoder", encoder);
      put(video, "preset", preset);
      put(video, "resolution", resolution);
      put(video, "crf", crf);
      put(video, "rate_control", lower(rateControl));
      if (bitrate != null) {
        video.put("bitrate", bitrate);
        if (rateControl == null) {
          video.put("rate_control", "cbr");
        }
      }
      if (!video.isEmpty()) {
        spec.put("video", video);
      }
      JsonObject in = spec.getJsonObject("input", new JsonObject());
      if (input != null) {
        String scheme = scheme("--input", input);
        if (scheme == null) {
          in.put("type", "file").put("path", input);
        } else {
          in.put("type", scheme).put("url", input);
        }
      }
      put(in, "duration_s", duration);
      if (!in.isEmpty()) {
        spec.put("input", in);
      }
      if (output != null) {
        String scheme = scheme("--output", output);
        if (scheme == null) {
          throw new ClientException(
              EXIT_BAD_INPUT,
              "--output: '" + output + "' is not a stream URL; accepted: " + STREAM_URLS);
        }
        spec.put("output", new JsonObject().put("type", scheme).put("url", output));
      }
      return spec;
    }

    private static final String STREAM_URLS = "rtmp://HOST[:PORT]/APP/STREAM or srt://HOST:PORT";

    /**
     * {@code rtmp} or {@code srt} for a stream URL, null for a plain path; any other scheme is
     * refused here, so a URL is never taken for a file name. The server checks the URL's form and
     * host.
     */
    private static String scheme(String flag, String value) throws ClientException {
      int sep = value.indexOf("://");
      if (sep < 0) {
        return null;
      }
      String scheme = value.substring(0, sep).toLowerCase(Locale.ROOT);
      if (!scheme.equals("rtmp") && !scheme.equals("srt")) {
        throw new ClientException(
            EXIT_BAD_INPUT,
            flag + ": '" + scheme + "' URLs are not accepted; accepted: " + STREAM_URLS);
      }
      return scheme;
    }

    private static void put(JsonObject o, String k, Object v) {
      if (v != null) {
        o.put(k, v);
      }
    }

    private static String lower(String s) {
      return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Jobs, newest first.")
  static final class ListJobs extends ClientCommand {
    @Option(
        names = "--state",
        paramLabel = "STATE",
        description = "queued, leased, running, succeeded, failed, canceled, retry_wait.")
    String state;

    @Option(names = "--queue", paramLabel = "Q", description = "live, default or batch.")
    String queue;

    @Option(names = "--campaign", paramLabel = "ID", description = "Only this campaign's jobs.")
    String campaign;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "Jobs per page (default: ${DEFAULT-VALUE}).",
        defaultValue = "50")
    int limit;

    @Option(names = "--cursor", paramLabel = "C", description = "Continue after a previous page.")
    String cursor;

    @Override
    int run(ApiClient api) throws ClientException {
      StringBuilder q = new StringBuilder("api/v1/jobs?limit=").append(limit);
      append(q, "state", state);
      append(q, "queue", queue);
      append(q, "campaign_id", campaign);
      append(q, "cursor", cursor);
      JsonObject page = api.get(q.toString());
      if (json()) {
        out.println(page.encodePrettily());
        return EXIT_OK;
      }
      out.println(Tables.of(objects(page.getJsonArray("jobs")), LIST_HEADERS, LIST_FIELDS));
      if (page.getString("next_cursor") != null) {
        err.println("more: --cursor " + page.getString("next_cursor"));
      }
      return EXIT_OK;
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "A job: state, configuration, result and history.")
  static final class Get extends OnJob {

    @Override
    int run(ApiClient api) throws ClientException {
      return print(
          api.get("api/v1/jobs/" + id(id)),
          job ->
              Tables.fields(
                      job,
                      "job_id",
                      "name",
                      "state",
                      "config_key",
                      "queue",
                      "priority",
                      "attempt",
                      "node_id",
                      "campaign_id",
                      "error",
                      "created_at",
                      "started_at",
                      "finished_at",
                      "result.fps",
                      "result.speed",
                      "result.energy.total_joules",
                      "result.energy.joules_per_frame",
                      "result.energy.provenance")
                  + "\n"
                  + Tables.of(
                      objects(job.getJsonArray("events")),
                      new String[] {"at", "from", "to", "actor", "reason"},
                      new String[] {"at", "from", "to", "actor", "reason"}));
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description =
          "Follow a job live (fps, speed, watts) until it ends; "
              + "exit 0 when it succeeded, 1 when it failed or was canceled.")
  static final class Watch extends OnJob {
    @Option(names = "--no-progress", description = "Lines instead of a progress bar.")
    boolean noProgress;

    @Override
    int run(ApiClient api) throws ClientException {
      AtomicReference<String> last = new AtomicReference<>();
      boolean bar = !noProgress && !json() && System.console() != null;
      ProgressBar[] holder = new ProgressBar[1];
      try {
        api.events(
            "api/v1/jobs/" + id(id) + "/events",
            e -> {
              if (json()) {
                out.println(new JsonObject().put("event", e.name()).put("data", e.data()).encode());
              }
              String state =
                  "job".equals(e.name())
                      ? e.data().getString("state")
                      : "state".equals(e.name()) ? e.data().getString("to") : null;
              if ("progress".equals(e.name()) && bar) {
                progress(holder, e.data());
              } else if (state != null) {
                last.set(state);
                if (!json() && !bar) {
                  out.println(
                      id
                          + ": "
                          + state
                          + (e.data().getString("reason") == null
                              ? ""
                              : " (" + e.data().getString("reason") + ")"));
                }
              }
              return !("succeeded".equals(state)
                  || "failed".equals(state)
                  || "canceled".equals(state));
            });
      } finally {
        if (holder[0] != null) {
          holder[0].close();
        }
      }
      String state = last.get();
      if (bar) {
        out.println(id + ": " + state);
      }
      return "succeeded".equals(state) ? EXIT_OK : EXIT_SERVER;
    }

    private void progress(ProgressBar[] holder, JsonObject p) {
      Long frames = p.getLong("frames_total");
      if (holder[0] == null) {
        holder[0] =
            new ProgressBarBuilder()
                .setTaskName(id.substring(0, Math.min(8, id.length())))
                .setInitialMax(frames == null || frames <= 0 ? 100 : frames)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUnit(" frames", 1)
                .setUpdateIntervalMillis(250)
                .continuousUpdate()
                .build();
      }
      Long frame = p.getLong("frame");
      if (frame != null) {
        holder[0].stepTo(frame);
      }
      Double watts = p.getDouble("watts");
      holder[0].setExtraMessage(
          String.format(
              Locale.ROOT,
              "%s fps %s %s",
              fmt(p.getDouble("fps"), "%.0f"),
              fmt(p.getDouble("speed"), "%.2fx"),
              watts == null
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      "%.1f W %s",
                      watts,
                      p.getString("energy_provenance", "(source unknown)"))));
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancel a job (a running one is stopped by its worker).")
  static final class Cancel extends OnJob {

    @Override
    int run(ApiClient api) throws ClientException {
      return print(
          api.post("api/v1/jobs/" + id(id) + "/cancel", null),
          r ->
              id
                  + ": "
                  + r.getString("state")
                  + (r.getString("cancel") == null
                      ? ""
                      : " (cancel " + r.getString("cancel") + ")"));
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Queue a failed or canceled job again.")
  static final class Retry extends OnJob {

    @Override
    int run(ApiClient api) throws ClientException {
      return print(
          api.post("api/v1/jobs/" + id(id) + "/retry", null),
          r -> id + ": " + r.getString("state"));
    }
  }

  @Command(
      name = "logs",
      mixinStandardHelpOptions = true,
      description = "FFmpeg's command line, exit code and the tail of its stderr.")
  static final class Logs extends OnJob {

    @Override
    int run(ApiClient api) throws ClientException {
      return print(
          api.get("api/v1/jobs/" + id(id) + "/logs"),
          r -> {
            JsonArray cmd = r.getJsonArray("command");
            return "state: "
                + r.getString("state")
                + "\ncommand: "
                + (cmd == null
                    ? "(not run yet)"
                    : String.join(" ", cmd.stream().map(String::valueOf).toList()))
                + "\nexit code: "
                + (r.getValue("exit_code") == null ? "" : r.getValue("exit_code"))
                + (r.getString("error") == null ? "" : "\nerror: " + r.getString("error"))
                + "\n"
                + (r.getString("stderr_tail") == null
                    ? "(no output stored)"
                    : r.getString("stderr_tail"));
          });
    }
  }

  @Command(
      name = "power",
      mixinStandardHelpOptions = true,
      description = "The power trace measured while the job ran.")
  static final class Power extends OnJob {

    @Override
    int run(ApiClient api) throws ClientException {
      return print(
          api.get("api/v1/jobs/" + id(id) + "/power"),
          r -> {
            String summary =
                Tables.fields(
                    r,
                    "state",
                    "energy.provenance",
                    "energy.source",
                    "energy.total_joules",
                    "energy.avg_watts",
                    "energy.peak_watts",
                    "energy.samples");
            List<JsonObject> trace = objects(r.getJsonArray("trace"));
            String[] cols =
                trace.isEmpty() ? null : trace.get(0).fieldNames().toArray(String[]::new);
            return cols == null ? summary : summary + "\n" + Tables.of(trace, cols, cols);
          });
    }
  }

  /** A command about one job, named by its id. */
  abstract static class OnJob extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The job's id.")
    String id;
  }

  static List<JsonObject> objects(JsonArray a) {
    List<JsonObject> out = new ArrayList<>();
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        out.add(a.getJsonObject(i));
      }
    }
    return out;
  }

  /** An id as one path segment: anything else is refused here rather than sent. */
  static String id(String id) throws ClientException {
    if (!id.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new ClientException(
          ClientCommand.EXIT_BAD_INPUT,
          "ID: '" + id + "' is not an id; accepted: letters, digits, . _ -");
    }
    return id;
  }

  static void append(StringBuilder q, String name, String value) {
    if (value != null) {
      q.append('&')
          .append(name)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  private static String fmt(Double v, String f) {
    return v == null ? "-" : String.format(Locale.ROOT, f, v);
  }
}
