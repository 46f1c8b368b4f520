package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.cli.client.ApiClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through the real HTTPS API (no worker, so nothing runs): every refusal is a 400 (413
 * for a huge body) naming the field, and nothing is stored. Also pagination, the rate limit, key
 * revocation and the event stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiValidationIT {

  @TempDir static Path dir;

  ApiFixture api;
  Path media;

  @BeforeAll
  void up() throws Exception {
    media = Files.createDirectories(dir.resolve("media"));
    Files.writeString(media.resolve("clip.mp4"), "not really a video");
    Files.createSymbolicLink(media.resolve("escape.mp4"), Path.of("/etc/passwd"));
    api = ApiFixture.storeOnly(dir, c -> c.withMediaRoots(List.of(media)).withRate(10_000, 10_000));
  }

  @AfterAll
  void down() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  private String operator() {
    return api.tokens.get(Role.OPERATOR);
  }

  private void refused(String body, int status, String field) throws Exception {
    long before = api.count("SELECT count(*) FROM jobs");
    ApiFixture.Response r = api.post("/api/v1/jobs", operator(), body);
    assertThat(r.status())
        .as(body.length() > 200 ? body.substring(0, 200) : body)
        .isEqualTo(status);
    assertThat(r.json().getJsonObject("error").getString("field")).as(r.text()).isEqualTo(field);
    assertThat(r.json().getJsonObject("error").getString("message")).isNotBlank();
    assertThat(api.count("SELECT count(*) FROM jobs"))
        .as("nothing stored for " + field)
        .isEqualTo(before);
  }

  @Test
  void malformedWrongTypedUnknownAndOutOfRangeBodiesName400TheField() throws Exception {
    refused("{\"video\": ", 400, "body");
    refused("[1, 2]", 400, "body");
    refused("{\"video\": {\"crf\": \"high\"}}", 400, "video.crf");
    refused("{\"input\": {\"duration_s\": \"ten\"}}", 400, "input.duration_s");
    refused("{\"queue\": \"urgent\"}", 400, "queue");
    refused("{\"priority\": \"critical\"}", 400, "priority");
    refused("{\"video\": {\"rate_control\": \"abr\"}}", 400, "video.rate_control");
    refused("{\"colour\": \"blue\"}", 400, "colour");
    refused("{\"video\": {\"crf\": 99, \"encoder\": \"libx264\"}}", 400, "video.crf");
    refused(
        "{\"video\": {\"rate_control\": \"cbr\"}}", 400, "video.bitrate"); // missing where required
    refused("{\"input\": {\"type\": \"file\"}}", 400, "input.path");
    refused("{\"input\": {\"duration_s\": 0}}", 400, "input.duration_s");
    refused("{\"scenario\": \"8K240-h264\"}", 400, "scenario");
  }

  @Test
  void aHugeBodyIs413AndNothingIsStored() throws Exception {
    String huge = "{\"name\": \"" + "x".repeat(10 * 1024 * 1024) + "\"}";
    refused(huge, 413, "body");
  }

  @Test
  void fileInputsStayInsideTheMediaRoots() throws Exception {
    refused("{\"input\": {\"type\": \"file\", \"path\": \"../../etc/passwd\"}}", 400, "input.path");
    refused("{\"input\": {\"type\": \"file\", \"path\": \"/etc/passwd\"}}", 400, "input.path");
    refused(
        "{\"input\": {\"type\": \"file\", \"path\": \"clips/../../../etc/passwd\"}}",
        400,
        "input.path");
    refused("{\"input\": {\"type\": \"file\", \"path\": \"escape.mp4\"}}", 400, "input.path");
    refused("{\"input\": {\"type\": \"file\", \"path\": \"missing.mp4\"}}", 400, "input.path");
    ApiFixture.Response ok =
        api.post(
            "/api/v1/jobs",
            operator(),
            "{\"input\": {\"type\": \"file\", \"path\": \"clip.mp4\"}}");
    assertThat(ok.status()).as(ok.text()).isEqualTo(201);
  }

  @Test
  void aFolderAxisIsListedAgainstTheServersMediaRootsAtSubmission() throws Exception {
    Path clips = Files.createDirectories(media.resolve("clips"));
    Files.writeString(clips.resolve("b.mp4"), "x");
    Files.writeString(clips.resolve("a.mkv"), "x");
    Files.writeString(clips.resolve("readme.txt"), "x");
    Files.createDirectories(media.resolve("nothing"));
    String campaign =
        "{\"name\": \"clips\", \"base\": {\"input\": {\"type\": \"file\"}},"
            + " \"axes\": {\"input.path\": {\"folder\": \"%s\"}}}";
    ApiFixture.Response ok = api.post("/api/v1/campaigns", operator(), campaign.formatted("clips"));
    assertThat(ok.status()).as(ok.text()).isEqualTo(201);
    assertThat(ok.json().getInteger("jobs")).isEqualTo(2);
    assertThat(
            api.count(
                "SELECT count(*) FROM jobs WHERE spec->'input'->>'path' IN ('clips/a.mkv',"
                    + " 'clips/b.mp4')"))
        .isEqualTo(2);
    for (String bad : List.of("missing", "nothing", "../media/clips", "/etc")) {
      long before = api.count("SELECT count(*) FROM campaigns");
      ApiFixture.Response r = api.post("/api/v1/campaigns", operator(), campaign.formatted(bad));
      assertThat(r.status()).as(bad + ": " + r.text()).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("field"))
          .as(r.text())
          .isEqualTo("axes.input.path.folder");
      assertThat(api.count("SELECT count(*) FROM campaigns")).isEqualTo(before);
    }
  }

  @Test
  void streamUrlsOffTheHostListAndRawArgumentsAreNotAccepted() throws Exception {
    refused(
        "{\"input\": {\"type\": \"rtmp\", \"url\": \"rtmp://evil.example/live/x\"}}",
        400,
        "input.url");
    refused("{\"input\": {\"url\": \"rtmp://evil.example/live/x\"}}", 400, "input.url");
    refused("{\"output\": {\"type\": \"rtmp\"}}", 400, "output.type");
    refused("{\"ffmpeg_args\": [\"-f\", \"lavfi\"]}", 400, "ffmpeg_args");
    refused("{\"video\": {\"extra_args\": \"-vf scale\"}}", 400, "video.extra_args");
  }

  @Test
  void shellMetacharactersInEveryStringFieldAreRefusedByName() throws Exception {
    String evil = "x; rm -rf / #$(id)`id`|&>";
    Map<String, JsonObject> cases = new LinkedHashMap<>();
    for (String f : List.of("name", "scenario", "engine", "queue", "priority")) {
      cases.put(f, new JsonObject().put(f, evil));
    }
    for (String f : List.of("type", "pattern", "path", "resolution")) {
      cases.put("input." + f, new JsonObject().put("input", new JsonObject().put(f, evil)));
    }
    cases.put("output.type", new JsonObject().put("output", new JsonObject().put("type", evil)));
    for (String f :
        List.of(
            "codec", "encoder", "preset", "rate_control", "bitrate", "max_bitrate", "resolution")) {
      cases.put("video." + f, new JsonObject().put("video", new JsonObject().put(f, evil)));
    }
    cases.put(
        "measure.quality[0]",
        new JsonObject()
            .put("measure", new JsonObject().put("quality", new JsonArray().add(evil))));
    for (Map.Entry<String, JsonObject> c : cases.entrySet()) {
      refused(c.getValue().encode(), 400, c.getKey());
    }
  }

  @Test
  void otherBodiesAndParametersNameTheirFieldToo() throws Exception {
    String admin = api.tokens.get(Role.ADMIN);
    ApiFixture.Response missing = api.post("/api/v1/keys", admin, "{\"role\": \"viewer\"}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.field()).isEqualTo("name");
    ApiFixture.Response role =
        api.post("/api/v1/keys", admin, "{\"role\": \"root\", \"name\": \"x\"}");
    assertThat(role.field()).isEqualTo("role");
    assertThat(api.get("/api/v1/jobs?limit=0", admin).field()).isEqualTo("limit");
    assertThat(api.get("/api/v1/jobs?state=exploded", admin).field()).isEqualTo("state");
    assertThat(api.get("/api/v1/jobs?cursor=bm90LWEtY3Vyc29y", admin).field()).isEqualTo("cursor");
    assertThat(api.get("/api/v1/jobs/not-a-uuid", admin).field()).isEqualTo("job_id");
    ApiFixture.Response campaign =
        api.post("/api/v1/campaigns", operator(), "{\"name\": \"c\", \"repeat\": \"twice\"}");
    assertThat(campaign.status()).isEqualTo(400);
    assertThat(campaign.field()).isEqualTo("repeat");
    ApiFixture.Response base =
        api.post(
            "/api/v1/campaigns",
            operator(),
            "{\"name\": \"c\", \"base\": {\"video\": {\"crf\": 500}}}");
    assertThat(base.status()).isEqualTo(400);
    assertThat(base.field()).contains("video.crf");
    assertThat(api.count("SELECT count(*) FROM campaigns")).isZero();
  }

  @Test
  void listingPagesNewestFirstWithFiltersAndACursor() throws Exception {
    Set<String> live = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      String q = i % 2 == 0 ? "live" : "batch";
      String id =
          api.post(
                  "/api/v1/jobs",
                  operator(),
                  "{\"queue\": \"" + q + "\", \"name\": \"page " + i + "\"}")
              .json()
              .getString("job_id");
      if (q.equals("live")) {
        live.add(id);
      }
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page =
          api.get(
                  "/api/v1/jobs?queue=live&limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                  api.tokens.get(Role.VIEWER))
              .json();
      page.getJsonArray("jobs").forEach(j -> seen.add(((JsonObject) j).getString("job_id")));
      cursor = page.getString("next_cursor");
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(seen).hasSize(live.size()).containsExactlyInAnyOrderElementsOf(live);
    assertThat(pages).isEqualTo(2);
    JsonArray all =
        api.get("/api/v1/jobs?state=queued&limit=500", api.tokens.get(Role.VIEWER))
            .json()
            .getJsonArray("jobs");
    List<String> created = all.stream().map(j -> ((JsonObject) j).getString("created_at")).toList();
    assertThat(created).isSortedAccordingTo(Comparator.reverseOrder());
  }

  @Test
  void aRevokedKeyCannotBeExchangedAnyMore() throws Exception {
    String admin = api.tokens.get(Role.ADMIN);
    JsonObject key =
        api.post("/api/v1/keys", admin, "{\"role\": \"viewer\", \"name\": \"temp\"}").json();
    assertThat(
            api.post(
                    "/api/v1/tokens",
                    null,
                    new JsonObject().put("api_key", key.getString("key")).encode())
                .status())
        .isEqualTo(201);
    assertThat(api.delete("/api/v1/keys/" + key.getString("key_id"), admin).status())
        .isEqualTo(200);
    assertThat(
            api.post(
                    "/api/v1/tokens",
                    null,
                    new JsonObject().put("api_key", key.getString("key")).encode())
                .status())
        .isEqualTo(401);
    JsonArray keys = api.get("/api/v1/keys", admin).json().getJsonArray("keys");
    assertThat(keys.encode()).doesNotContain(key.getString("key"));
  }

  @Test
  void theEventStreamCarriesASubmissionWithoutPolling() throws Exception {
    ApiClient viewer = api.client(Role.VIEWER);
    CompletableFuture<JsonObject> first = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                viewer.events(
                    "api/v1/events",
                    e -> {
                      if (e.name().equals("state") && "queued".equals(e.data().getString("to"))) {
                        first.complete(e.data());
                        return false;
                      }
                      return true;
                    });
              } catch (Exception e) {
                first.completeExceptionally(e);
              }
            });
    reader.start();
    // Submit until the stream (opened concurrently) sees one: the first may go out before it
    // listens.
    String id = null;
    for (int i = 0; i < 50 && !first.isDone(); i++) {
      id = api.post("/api/v1/jobs", operator(), "{\"name\": \"sse\"}").json().getString("job_id");
      try {
        first.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // not yet
      }
    }
    JsonObject event = first.get(30, TimeUnit.SECONDS);
    assertThat(event.getString("to")).isEqualTo("queued");
    assertThat(event.getString("job_id")).isNotNull();
    assertThat(id).isNotNull();
  }
}
