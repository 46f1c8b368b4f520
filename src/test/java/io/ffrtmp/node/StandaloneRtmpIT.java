package io.ffrtmp.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.live.RtmpConfig;
import io.ffrtmp.live.RtmpServer;
import io.ffrtmp.power.PowerConfig;
import io.ffrtmp.support.LocalPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --rtmp-server embedded}: the node starts nginx-rtmp with itself and stops it with itself.
 */
class StandaloneRtmpIT {

  @TempDir Path dir;

  @Test
  void theEmbeddedServerLivesAndEndsWithTheNode() throws Exception {
    // The embedded PostgreSQL runs as another user when the tests run as root.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    int port = LocalPorts.freePortPair();
    PowerConfig power =
        new PowerConfig(dir.resolve("no-powercap"), Path.of("/proc"), 200, null, null)
            .withHwmonRoot(Files.createDirectories(dir.resolve("no-hwmon")))
            .withNvmlLibrary(null)
            .withPerfRoot(dir.resolve("no-perf"));
    NodeConfig config =
        new NodeConfig(dir.resolve("data"), null, "ffmpeg", 1, power, List.of())
            .withRtmp(RtmpConfig.parse("embedded", port));

    StandaloneNode node = StandaloneNode.start(config);
    RtmpServer rtmp;
    ProcessHandle nginx;
    try {
      rtmp = node.rtmp();
      assertThat(rtmp).isNotNull();
      assertThat(rtmp.directory()).isEqualTo(dir.resolve("data/rtmp").toAbsolutePath());
      assertThat(rtmp.applicationUrl()).hasToString("rtmp://127.0.0.1:" + port + "/live");
      assertThat(rtmp.stats().applications()).isNotEmpty();
      nginx = ProcessHandle.of(rtmp.pid()).orElseThrow();
    } finally {
      node.close();
    }
    assertThat(nginx.isAlive()).isFalse();
    assertThat(LocalPorts.canBind(port)).as("the RTMP port is free once the node stopped").isTrue();
  }

  @Test
  void offStartsNoServer() throws Exception {
    assertThat(RtmpConfig.parse("off", 1935).embedded()).isFalse();
    assertThat(new NodeConfig(dir, null, "ffmpeg", 1, null).rtmp()).isEqualTo(RtmpConfig.OFF);
  }
}
