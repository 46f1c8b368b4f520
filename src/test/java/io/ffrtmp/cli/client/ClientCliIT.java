package io.ffrtmp.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user story, as a user runs it: {@code java -jar ffrtmp.jar --role standalone} in one process,
 * the client commands in others (each a fresh JVM, as from a shell): exit codes, tables, --json,
 * the pinned certificate, and a clean stop on SIGTERM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.MethodName.class)
class ClientCliIT {

  static final Path JAR = Path.of("target", "ffrtmp.jar").toAbsolutePath();

  record Run(int exit, String out, String err) {}

  @TempDir static Path dir;

  Process node;
  Path data;
  String url;

  @BeforeAll
  void startNode() throws Exception {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(
          JAR + " is missing: run the tests with 'mvn verify' (the jar is built in 'package')");
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    data = dir.resolve("data");
    Files.createDirectories(dir.resolve("media"));
    node =
        new ProcessBuilder(
                List.of(
                    java(),
                    "-Xmx512m",
                    "-jar",
                    JAR.toString(),
                    "--role",
                    "standalone",
                    "--port",
                    "0",
                    "--data-dir",
                    data.toString(),
                    "--media-root",
                    dir.resolve("media").toString(),
                    "--nvml",
                    "none",
                    "--powercap-root",
                    dir.resolve("none").toString(),
                    "--perf-root",
                    dir.resolve("none").toString(),
                    "--hwmon-root",
                    dir.resolve("none").toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .start();
    BufferedReader r =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      seen.add(line);
      if (line.contains(": API at ")) {
        url = line.substring(line.indexOf("API at ") + 7).replace("/api/v1", "");
      }
      if (line.startsWith("stop with")) {
        break;
      }
    }
    assertThat(url).as(String.join("\n", seen)).startsWith("https://127.0.0.1:");
    assertThat(String.join("\n", seen))
        .contains("admin key: " + data.resolve("api").resolve("admin.key"))
        .contains("metrics at " + url + "/metrics");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("api").resolve("admin.key"))))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("api").resolve("tls-key.pem"))))
        .isEqualTo("rw-------");
    // Keep draining the node's output so it never blocks on a full pipe.
    Thread drain = new Thread(() -> r.lines().forEach(l -> {}));
    drain.setDaemon(true);
    drain.start();
  }

  @AfterAll
  void stopNode() throws Exception {
    if (node != null && node.isAlive()) {
      node.destroyForcibly();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Runs {@code ffrtmp ARGS} against the node (FFRTMP_SERVER and FFRTMP_DATA_DIR set as a user
   * would).
   */
  Run ffrtmp(String... args) throws Exception {
    return ffrtmpWith(Map.of(), args);
  }

  Run ffrtmpWith(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> e =
        new HashMap<>(Map.of("FFRTMP_SERVER", url, "FFRTMP_DATA_DIR", data.toString()));
    e.putAll(env);
    pb.environment().putAll(e);
    pb.environment().remove("FFRTMP_TOKEN");
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("ffrtmp " + String.join(" ", args) + " did not finish");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void jobsFromSubmissionToLogsWithTablesJsonAndExitCodes() throws Exception {
    Run submit =
        ffrtmp(
            "jobs",
            "submit",
            "--scenario",
            "240p30-h264",
            "--duration",
            "0.5",
            "--encoder",
            "libx264",
            "--preset",
            "ultrafast",
            "--queue",
            "live",
            "--priority",
            "high",
            "--engine",
            "ffmpeg");
    assertThat(submit.exit()).as(submit.err()).isZero();
    String id = submit.out().trim();
    assertThat(id).matches("[0-9a-f-]{36}");

    Run watch = ffrtmp("jobs", "watch", id, "--no-progress");
    assertThat(watch.exit()).as(watch.out() + watch.err()).isZero();
    assertThat(watch.out()).contains(id + ": succeeded");

    Run list = ffrtmp("jobs", "list", "--state", "succeeded");
    assertThat(list.exit()).isZero();
    assertThat(list.out())
        .contains("| id ")
        .contains("| state ")
        .contains(id)
        .contains("libx264 ultrafast");
    Run listJson = ffrtmp("jobs", "list", "--json", "--queue", "live");
    assertThat(
            new JsonObject(listJson.out())
                .getJsonArray("jobs")
                .getJsonObject(0)
                .getString("job_id"))
        .isEqualTo(id);

    Run get = ffrtmp("jobs", "get", id);
    assertThat(get.out()).contains("succeeded").contains("queued").contains("running");
    assertThat(new JsonObject(ffrtmp("jobs", "get", id, "--json").out()).getString("queue"))
        .isEqualTo("live");
    assertThat(ffrtmp("jobs", "logs", id).out())
        .contains("command: ffmpeg")
        .contains("exit code: 0");
    assertThat(ffrtmp("jobs", "power", id).out()).contains("estimated");

    Run cancelFinished = ffrtmp("jobs", "cancel", id);
    assertThat(cancelFinished.exit()).isEqualTo(1);
    assertThat(cancelFinished.err()).contains("job_id:").contains("409");

    Run bad = ffrtmp("jobs", "submit", "--queue", "urgent");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).startsWith("queue: ").contains("accepted: live, default, batch");
    Run escape = ffrtmp("jobs", "submit", "--input", "../../etc/passwd");
    assertThat(escape.exit()).isEqualTo(2);
    assertThat(escape.err()).startsWith("input.path: ");
    Run offList =
        ffrtmp(
            "jobs",
            "submit",
            "--scenario",
            "live-240p30-h264",
            "--output",
            "rtmp://203.0.113.9/live/out");
    assertThat(offList.exit()).as(offList.err()).isEqualTo(2);
    assertThat(offList.err()).startsWith("output.url: ").contains("203.0.113.9");
    Run notAStream = ffrtmp("jobs", "submit", "--input", "http://127.0.0.1/a.mp4");
    assertThat(notAStream.exit()).isEqualTo(2);
    assertThat(notAStream.err()).startsWith("--input: ");
    assertThat(ffrtmp("jobs", "get", "00000000-0000-0000-0000-000000000000").exit()).isEqualTo(2);
    assertThat(ffrtmp("jobs", "list", "--no-such-option").exit()).isEqualTo(2);
  }

  @Test
  void rolesKeysAndTokensDecideWhatACommandMayDo() throws Exception {
    Run key = ffrtmp("token", "--role", "viewer", "--name", "alice");
    assertThat(key.exit()).as(key.err()).isZero();
    Path viewerKey = dir.resolve("viewer.key");
    Files.writeString(viewerKey, key.out().trim());
    assertThat(ffrtmp("jobs", "list", "--key-file", viewerKey.toString()).exit()).isZero();
    Run denied = ffrtmp("jobs", "submit", "--key-file", viewerKey.toString());
    assertThat(denied.exit()).isEqualTo(4);
    assertThat(denied.err()).contains("operator");

    Run token = ffrtmp("token", "--role", "operator", "--kind", "token", "--ttl", "5");
    assertThat(token.exit()).isZero();
    Run asOperator = ffrtmpWith(Map.of("FFRTMP_TOKEN", token.out().trim()), "nodes", "list");
    assertThat(asOperator.exit()).isZero();
    assertThat(asOperator.out()).contains("| id ");
    assertThat(ffrtmp("nodes", "list", "--token", "not-a-token").exit()).isEqualTo(4);
    Run noKey = ffrtmp("jobs", "list", "--key-file", dir.resolve("absent.key").toString());
    assertThat(noKey.exit()).isEqualTo(4);
    assertThat(noKey.err()).contains("--token");
  }

  @Test
  void uiPrintsASingleUseLoginLinkForTheCredentialInUse() throws Exception {
    Run first = ffrtmp("ui", "--no-open");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out().trim()).matches(Pattern.quote(url) + "/#login=ffl_[A-Za-z0-9_-]{43}");
    assertThat(first.err()).contains("single use, valid until");
    Run second = ffrtmp("ui", "--no-open", "--json");
    assertThat(second.exit()).as(second.err()).isZero();
    JsonObject link = new JsonObject(second.out());
    assertThat(link.getString("url")).startsWith(url + "/#login=ffl_");
    assertThat(link.getString("code")).isNotEqualTo(first.out().trim().replaceAll(".*login=", ""));
    assertThat(ffrtmp("ui", "--no-open", "--token", "not-a-token").exit()).isEqualTo(4);
  }

  @Test
  void theServerIsTrustedByItsPinnedCertificateOrAGivenCaAndOtherwiseRefused() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path key = data.resolve("api").resolve("admin.key");
    Run untrusted =
        ffrtmp("jobs", "list", "--data-dir", elsewhere.toString(), "--key-file", key.toString());
    assertThat(untrusted.exit()).isEqualTo(3);
    assertThat(untrusted.err()).contains("--ca");
    Run withCa =
        ffrtmp(
            "jobs",
            "list",
            "--data-dir",
            elsewhere.toString(),
            "--key-file",
            key.toString(),
            "--server",
            url.replace("127.0.0.1", "localhost"),
            "--ca",
            data.resolve("api").resolve("tls-cert.pem").toString());
    assertThat(withCa.exit()).as(withCa.err()).isZero();
    Run insecure =
        ffrtmp(
            "jobs",
            "list",
            "--data-dir",
            elsewhere.toString(),
            "--key-file",
            key.toString(),
            "--insecure");
    assertThat(insecure.exit()).isZero();
    Run down = ffrtmp("jobs", "list", "--server", "https://127.0.0.1:1");
    assertThat(down.exit()).isEqualTo(3);
    assertThat(down.err()).contains("cannot connect");
  }

  @Test
  void campaignsAreSubmittedFollowedAndTheirReportFetched() throws Exception {
    Path file = dir.resolve("tiny.json");
    Files.writeString(
        file,
        """
        {"base": {"input": {"type": "synthetic", "duration_s": 0.5, "resolution": "160x90", "fps": 10},
                  "video": {"resolution": "160x90", "fps": 10}, "measure": {"quality": ["psnr"]}},
         "configurations": [{"video": {"encoder": "libx264", "preset": "ultrafast"}},
                            {"video": {"encoder": "libx264", "preset": "veryfast"}}]}\
        """);
    Run submit = ffrtmp("campaigns", "submit", file.toString());
    assertThat(submit.exit()).as(submit.err()).isZero();
    String id = submit.out().trim();
    assertThat(submit.err()).contains("tiny: 2 job(s) queued");
    JsonObject status = null;
    for (int i = 0; i < 120; i++) {
      status = new JsonObject(ffrtmp("campaigns", "status", id, "--json").out());
      if (status.getBoolean("done")) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(status.getJsonObject("states").getInteger("succeeded"))
        .as(status.encodePrettily())
        .isEqualTo(2);
    assertThat(ffrtmp("campaigns", "status", id).out())
        .contains("states.succeeded")
        .contains("tiny");
    assertThat(ffrtmp("campaigns", "list").out()).contains(id).contains("| finished ");
    Path out = dir.resolve("report");
    Run report = ffrtmp("campaigns", "report", id, "--out", out.toString());
    assertThat(report.exit()).as(report.err()).isZero();
    assertThat(Files.readString(out.resolve("report.html"))).contains("<html").contains("libx264");
    assertThat(Files.readString(out.resolve("results.csv"))).startsWith("job_id,");
    assertThat(new JsonObject(Files.readString(out.resolve("results.json"))).getJsonArray("jobs"))
        .hasSize(2);
    Run bad = ffrtmp("campaigns", "submit", dir.resolve("absent.json").toString());
    assertThat(bad.exit()).isEqualTo(2);
  }

  @Test
  void zzSigtermStopsTheNodeCleanly() throws Exception {
    // Runs last (methods run in name order): the other tests need the node.
    node.destroy(); // SIGTERM
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("the node stops on SIGTERM").isTrue();
    assertThat(data.resolve("pgdata").resolve("postmaster.pid"))
        .as("the embedded PostgreSQL was stopped")
        .doesNotExist();
  }
}
