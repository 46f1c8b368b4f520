package io.ffrtmp.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.hardware.FakeMachine;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSnapshotTest {

  @TempDir Path tmp;

  @Test
  void carriesCpuTopologyAndGpusFromTheProbe() throws IOException {
    FakeMachine m =
        new FakeMachine(tmp)
            .cpuinfo(2, 4)
            .meminfo(16 * 1024 * 1024)
            .governor("performance")
            .renderNode("renderD128", "0x8086", "0x3e92");
    FfmpegInfo ffmpeg =
        new FfmpegInfo("ffmpeg", "ffmpeg version 5.1.9", "--enable-gpl", Set.of("libx264"), false);

    JsonObject node = NodeSnapshot.capture(m.probe(), ffmpeg, new JsonArray());

    assertThat(node.getString("cpu_model")).startsWith("Intel(R) Xeon(R) Gold 6230");
    assertThat(node.getInteger("cpu_sockets")).isEqualTo(2);
    assertThat(node.getInteger("cpu_physical_cores")).isEqualTo(8);
    assertThat(node.getInteger("cpu_threads")).isEqualTo(16);
    assertThat(node.getLong("memory_mb")).isEqualTo(16L * 1024);
    assertThat(node.getString("governor")).isEqualTo("performance");
    assertThat(node.getJsonArray("gpus")).hasSize(1);
    assertThat(node.getJsonArray("gpus").getJsonObject(0).getString("vendor")).isEqualTo("Intel");
    assertThat(node.getJsonArray("encoders")).containsExactly("libx264");
  }
}
