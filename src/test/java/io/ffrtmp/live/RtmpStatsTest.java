package io.ffrtmp.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The statistics page as the embedded server (nginx 1.22, Debian's nginx-rtmp 1.2.2) wrote it with
 * two publishers and one player: the sample is a capture, not hand-written.
 */
class RtmpStatsTest {

  static String sample() throws IOException {
    try (InputStream in = RtmpStatsTest.class.getResourceAsStream("/live/nginx-rtmp-stat.xml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aPublishedStreamWithAPlayer() throws IOException {
    RtmpStats stats = RtmpStats.parse(sample());

    assertThat(stats.uptimeSeconds()).isEqualTo(15);
    assertThat(stats.inBitsPerSecond()).isEqualTo(1252024);
    assertThat(stats.outBitsPerSecond()).isEqualTo(708352);
    assertThat(stats.applications())
        .extracting(RtmpStats.Application::name)
        .containsExactly("live");
    RtmpStats.Stream cam = stats.stream("live", "cam1").orElseThrow();
    assertThat(cam.publishing()).isTrue();
    assertThat(cam.publishers()).isEqualTo(1);
    assertThat(cam.clients()).as("the publisher and one player").isEqualTo(2);
    assertThat(cam.inBitsPerSecond()).isEqualTo(859936);
    assertThat(cam.outBitsPerSecond()).isEqualTo(703264);
    assertThat(cam.bytesIn()).isEqualTo(1411491);
    assertThat(cam.bytesOut()).isEqualTo(1215651);
    assertThat(cam.ageMs()).isEqualTo(13767);
    assertThat(cam.droppedFrames()).isZero();
    assertThat(cam.video()).isEqualTo(new RtmpStats.Video("H264", 320, 240, 25));
  }

  @Test
  void aStreamNobodyPlays() throws IOException {
    RtmpStats.Stream out = RtmpStats.parse(sample()).stream("live", "out_160").orElseThrow();
    assertThat(out.clients()).isEqualTo(1);
    assertThat(out.publishers()).isEqualTo(1);
    assertThat(out.outBitsPerSecond()).isZero();
    assertThat(out.video()).isEqualTo(new RtmpStats.Video("H264", 160, 120, 30));
  }

  @Test
  void aStreamThatIsNotLiveIsAbsent() throws IOException {
    RtmpStats stats = RtmpStats.parse(sample());
    assertThat(stats.stream("live", "cam2")).isEmpty();
    assertThat(stats.stream("other", "cam1")).isEmpty();
  }

  @Test
  void anIdleServerHasItsApplicationAndNoStreams() throws IOException {
    RtmpStats stats =
        RtmpStats.parse(
            "<?xml version=\"1.0\" encoding=\"utf-8\" ?><rtmp><uptime>3</uptime><bw_in>0</bw_in>"
                + "<server><application><name>live</name><live><nclients>0</nclients></live>"
                + "</application></server></rtmp>");
    assertThat(stats.applications()).hasSize(1);
    assertThat(stats.applications().get(0).streams()).isEmpty();
  }

  @Test
  void aPublisherWithoutMetadataHasNoVideo() throws IOException {
    RtmpStats stats =
        RtmpStats.parse(
            "<rtmp><server><application><name>live</name><live><stream><name>s</name>"
                + "<client><id>1</id><publishing/><active/></client><meta><video></video>"
                + "<audio></audio></meta><nclients>1</nclients><publishing/></stream></live>"
                + "</application></server></rtmp>");
    RtmpStats.Stream s = stats.stream("live", "s").orElseThrow();
    assertThat(s.video()).isNull();
    assertThat(s.inBitsPerSecond()).as("absent numbers read 0").isZero();
  }

  @Test
  void aControlCharacterAClientSentDoesNotSpoilThePage() throws IOException {
    String spoiled = sample().replace("LNX 9,0,124,2", "LNX\u0001 9");
    assertThat(RtmpStats.parse(spoiled).stream("live", "cam1").orElseThrow().clients())
        .isEqualTo(2);
  }

  @Test
  void aDoctypeIsRefusedSoNoEntityIsExpanded() {
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE rtmp [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>"
            + "<rtmp><server><application><name>&x;</name></application></server></rtmp>";
    assertThatThrownBy(() -> RtmpStats.parse(xxe))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not readable XML")
        .hasMessageContaining("DOCTYPE");
  }

  @Test
  void somethingElseIsRefused() {
    assertThatThrownBy(() -> RtmpStats.parse("<html><body>404</body></html>"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not <rtmp>");
    assertThatThrownBy(() -> RtmpStats.parse("not xml"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not readable XML");
  }
}
