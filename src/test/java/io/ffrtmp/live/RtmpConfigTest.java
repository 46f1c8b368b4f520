package io.ffrtmp.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code --rtmp-server} and {@code --rtmp-port} accept, and what they turn into. */
class RtmpConfigTest {

  @Test
  void offByDefault() {
    RtmpConfig c = RtmpConfig.parse(null, RtmpConfig.DEFAULT_PORT);
    assertThat(c.mode()).isEqualTo(RtmpConfig.Mode.OFF);
    assertThat(c.applicationUrl()).isNull();
    assertThat(c.describe()).startsWith("rtmp: off");
  }

  @Test
  void embeddedListensOnThePortAndItsStatisticsOnTheNext() {
    RtmpConfig c = RtmpConfig.parse("Embedded", 1935);
    assertThat(c.embedded()).isTrue();
    assertThat(c.statsPort()).isEqualTo(1936);
    assertThat(c.applicationUrl()).hasToString("rtmp://127.0.0.1:1935/live");
    assertThat(c.describe()).startsWith("rtmp at rtmp://127.0.0.1:1935/live");
  }

  @ParameterizedTest
  @CsvSource({
    "rtmp://media.example.org/live, rtmp://media.example.org:1935/live",
    "rtmp://10.0.0.5:1940/cams/, rtmp://10.0.0.5:1940/cams",
    "RTMP://[::1]:1936/live, rtmp://[::1]:1936/live"
  })
  void yourOwnServerByUrl(String given, String normalised) {
    RtmpConfig c = RtmpConfig.parse(given, 1935);
    assertThat(c.mode()).isEqualTo(RtmpConfig.Mode.EXTERNAL);
    assertThat(c.applicationUrl()).hasToString(normalised);
    assertThat(c.describe()).contains(normalised, "does not start it");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://host/live|has scheme http",
        "bogus|is not a URL",
        "rtmp:///live|names no host",
        "rtmp://user:secret@host/live|credentials",
        "rtmp://host:99999/live|port 99999 is out of range",
        "rtmp://host:0/live|port 0 is out of range",
        "rtmp://host|must name one application",
        "rtmp://host/live/cam1|must name one application",
        "rtmp://host/live?x=1|must name one application",
        "rtmp://host/li$ve|must name one application"
      })
  void aBadUrlNamesTheFlag(String given, String problem) {
    assertThatThrownBy(() -> RtmpConfig.parse(given, 1935))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--rtmp-server: ")
        .hasMessageContaining(problem);
  }

  @ParameterizedTest
  @CsvSource({"0", "-1", "65535", "70000"})
  void aBadPortNamesTheFlag(int port) {
    assertThatThrownBy(() -> RtmpConfig.parse("embedded", port))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--rtmp-port: " + port + " is out of range; accepted: 1 to 65534");
  }
}
