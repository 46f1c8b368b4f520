package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every job spec shipped in conf/jobs is read as the client reads it and valid as the API checks.
 */
class ShippedJobsTest {

  @Test
  void everyShippedJobSpecIsValid() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("conf/jobs"))) {
      files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      Object parsed = StrictJson.parse(Files.readString(f));
      assertThat(parsed).as(f.toString()).isInstanceOf(JsonObject.class);
      JobSpec spec = JobSpec.fromJson((JsonObject) parsed);
      assertThat(spec.toJson().getString("name")).as(f.toString()).isNotBlank();
    }
  }

  @Test
  void theLiveLadderHasFourRungsToTheEmbeddedServer() throws Exception {
    JobSpec s =
        JobSpec.fromJson(
            (JsonObject)
                StrictJson.parse(Files.readString(Path.of("conf/jobs/ladder-1080p.json"))));
    assertThat(s.isLive()).isTrue();
    assertThat(s.renditions())
        .extracting(r -> r.video().resolution().toString())
        .containsExactly("1920x1080", "1280x720", "854x480", "640x360");
    assertThat(s.renditions().get(0).output().url())
        .hasToString("rtmp://127.0.0.1:1935/live/ladder_1080p");
    assertThat(s.renditions().get(0).video().bitrateKbps()).isEqualTo(5000);
  }
}
