package io.ffrtmp.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffrtmp.support.LocalPorts;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded nginx-rtmp server, for real: a stream published by FFmpeg is read back and shows on
 * the statistics page; a taken port, a stop and a missing nginx behave as a user is told.
 */
class RtmpServerIT {

  static Path nginx;

  @TempDir Path data;

  @BeforeAll
  static void dependencies() {
    nginx = RtmpServer.findNginx().orElse(null);
    assertThat(nginx)
        .as("nginx is missing: sudo deploy/install-deps.sh (or sudo apt-get install -y nginx)")
        .isNotNull();
    assertThat(RtmpServer.DEFAULT_MODULE)
        .as("the nginx RTMP module is missing: sudo apt-get install -y libnginx-mod-rtmp")
        .isRegularFile();
    for (String tool : List.of("ffmpeg", "ffprobe")) {
      assertThat(LocalPorts.onPath(tool))
          .as(tool + " is missing: sudo apt-get install -y ffmpeg")
          .isTrue();
    }
  }

  @Test
  void aPublishedStreamIsReadBackAndCountedOnTheStatisticsPage() throws Exception {
    int port = LocalPorts.freePortPair();
    try (RtmpServer server = start(port)) {
      assertThat(server.applicationUrl()).hasToString("rtmp://127.0.0.1:" + port + "/live");
      assertThat(server.directory().resolve("nginx.conf"))
          .content()
          .contains("listen " + port + ";", "listen 127.0.0.1:" + (port + 1) + ";", "daemon off;");
      assertThat(server.directory().resolve("nginx.pid"))
          .content()
          .isEqualToIgnoringWhitespace(Long.toString(server.pid()));

      String url = server.applicationUrl() + "/cam1";
      // Long enough for nginx-rtmp's 10 s bitrate window to close once; stopped when done.
      Process publisher =
          spawn(
              "ffmpeg",
              "-hide_banner",
              "-nostdin",
              "-loglevel",
              "error",
              "-re",
              "-f",
              "lavfi",
              "-i",
              "testsrc2=size=320x240:rate=25",
              "-t",
              "40",
              "-c:v",
              "libx264",
              "-preset",
              "ultrafast",
              "-g",
              "25",
              "-f",
              "flv",
              url);
      try {
        RtmpStats.Stream live =
            waitFor(
                () -> stream(server).filter(s -> s.publishing() && s.video() != null),
                "live/cam1 published, with its metadata, on the statistics page");
        assertThat(live.publishers()).isEqualTo(1);
        assertThat(live.video().codec()).isEqualTo("H264");
        assertThat(live.video().width()).isEqualTo(320);
        assertThat(live.video().height()).isEqualTo(240);
        assertThat(live.video().frameRate()).isEqualTo(25);

        String probed =
            run(
                "ffprobe",
                "-v",
                "error",
                "-analyzeduration",
                "1000000",
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=codec_name,width,height",
                "-of",
                "csv=p=0",
                url);
        assertThat(probed.strip()).isEqualTo("h264,320,240");
        String decoded =
            run(
                "ffmpeg",
                "-hide_banner",
                "-nostdin",
                "-analyzeduration",
                "1000000",
                "-i",
                url,
                "-frames:v",
                "25",
                "-f",
                "null",
                "-");
        assertThat(decoded).contains("frame=   25");

        RtmpStats.Stream measured =
            waitFor(
                () -> stream(server).filter(s -> s.inBitsPerSecond() > 0),
                "an incoming bitrate for live/cam1 (nginx-rtmp averages over 10 s)");
        assertThat(measured.publishers()).isEqualTo(1);
        assertThat(measured.bytesIn()).isPositive();
      } finally {
        publisher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aTakenPortIsRefusedNamingTheFlag() throws Exception {
    int port = LocalPorts.freePortPair();
    try (ServerSocket holder = new ServerSocket()) {
      holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      assertThatThrownBy(() -> start(port))
          .isInstanceOf(RtmpServer.PortInUseException.class)
          .hasMessageContaining("--rtmp-port: port " + port)
          .hasMessageContaining("in use");
    }
    int other = LocalPorts.freePortPair();
    try (ServerSocket holder = new ServerSocket()) {
      holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), other + 1));
      assertThatThrownBy(() -> start(other))
          .isInstanceOf(RtmpServer.PortInUseException.class)
          .hasMessageContaining("port " + (other + 1) + " (the embedded RTMP server's statistics");
    }
  }

  @Test
  void nginxFailingToBindIsReportedAsATakenPort() throws Exception {
    int port = LocalPorts.freePortPair();
    try (ServerSocket holder = new ServerSocket()) {
      holder.bind(new InetSocketAddress(port));
      assertThatThrownBy(
              () -> RtmpServer.start(data, port, port + 1, nginx, RtmpServer.DEFAULT_MODULE, false))
          .isInstanceOf(RtmpServer.PortInUseException.class)
          .hasMessageContaining("--rtmp-port: port " + port);
    }
    assertThat(data.resolve("rtmp/nginx.pid")).doesNotExist();
  }

  @Test
  void stoppingEndsNginxAndFreesThePorts() throws Exception {
    int port = LocalPorts.freePortPair();
    RtmpServer server = start(port);
    ProcessHandle master = ProcessHandle.of(server.pid()).orElseThrow();
    List<ProcessHandle> workers = master.descendants().toList();
    assertThat(workers).as("nginx's worker process").isNotEmpty();

    server.close();

    assertThat(master.isAlive()).isFalse();
    assertThat(workers).noneMatch(ProcessHandle::isAlive);
    assertThat(server.directory().resolve("nginx.pid")).doesNotExist();
    assertThat(LocalPorts.canBind(port)).as("RTMP port free").isTrue();
    assertThat(LocalPorts.canBind(port + 1)).as("statistics port free").isTrue();
    server.close(); // twice is harmless
  }

  @Test
  void aServerLeftByADeadNodeIsStoppedAtTheNextStart() throws Exception {
    int port = LocalPorts.freePortPair();
    RtmpServer orphan = start(port); // never closed, as when the JVM is killed
    long orphanPid = orphan.pid();
    try (RtmpServer next = start(port)) {
      assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive))
          .isNotEqualTo(Optional.of(true));
      assertThat(next.isAlive()).isTrue();
      assertThat(next.stats().applications())
          .extracting(RtmpStats.Application::name)
          .containsExactly("live");
    } finally {
      orphan.close();
    }
  }

  @Test
  void aMissingNginxOrModuleSaysWhatToInstall() {
    int port = 1; // never reached: the binaries are checked first
    assertThatThrownBy(
            () ->
                RtmpServer.start(
                    data, port, port + 1, Path.of("/nonexistent/nginx"), RtmpServer.DEFAULT_MODULE))
        .isInstanceOf(RtmpServer.MissingException.class)
        .hasMessageContaining("nginx not found at /nonexistent/nginx")
        .hasMessageContaining("sudo apt-get install nginx libnginx-mod-rtmp");
    assertThatThrownBy(
            () ->
                RtmpServer.start(
                    data, port, port + 1, nginx, Path.of("/nonexistent/ngx_rtmp_module.so")))
        .isInstanceOf(RtmpServer.MissingException.class)
        .hasMessageContaining("RTMP module not found")
        .hasMessageContaining("libnginx-mod-rtmp");
  }

  private RtmpServer start(int port) throws IOException {
    return RtmpServer.start(data, port, port + 1, nginx, RtmpServer.DEFAULT_MODULE);
  }

  private static Optional<RtmpStats.Stream> stream(RtmpServer server) {
    try {
      return server.stats().stream("live", "cam1");
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Polls until {@code probe} gives a value; fails naming {@code what} after 40 s. */
  private static <T> T waitFor(Supplier<Optional<T>> probe, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<T> v = probe.get();
      if (v.isPresent()) {
        return v.get();
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  private static Process spawn(String... cmd) throws IOException {
    return new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /** Runs a reader to its end (30 s at most) and returns its output. */
  private String run(String... cmd) throws Exception {
    Path log = Files.createTempFile(data, cmd[0], ".out");
    Process p =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(cmd[0] + " did not finish reading the stream in 30 s");
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(cmd[0] + " output: " + out).isZero();
    return out;
  }
}
