package io.ffrtmp.cli.options;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad {@code --rtmp-server} and {@code --rtmp-port} are exit 2 naming the flag, before start. */
class RtmpOptionsTest {

  @TempDir Path dir;

  record Outcome(int exit, String err) {}

  private Outcome run(String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      return new Outcome(Main.run(args), buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(saved);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--rtmp-server http://host/live|--rtmp-server: 'http://host/live' has scheme http",
        "--rtmp-server rtmp://host:70000/live|--rtmp-server: port 70000 is out of range",
        "--rtmp-server rtmp://host|--rtmp-server: 'rtmp://host' must name one application",
        "--rtmp-server nonsense|--rtmp-server: 'nonsense' is not a URL",
        "--rtmp-server embedded --rtmp-port 0|--rtmp-port: 0 is out of range; accepted: 1 to 65534",
        "--rtmp-server embedded --rtmp-port 65535|--rtmp-port: 65535 is out of range",
        "--rtmp-port 99999|--rtmp-port: 99999 is out of range"
      })
  void badRtmpFlagsAreExitTwoNamingTheFlag(String flags, String message) {
    for (String role : new String[] {"standalone", "worker"}) {
      String[] args = ("--role " + role + " --data-dir " + dir + " " + flags).split(" ");
      Outcome o = run(args);
      assertThat(o.exit()).as(role + ": " + o.err()).isEqualTo(2);
      assertThat(o.err()).contains(message);
    }
  }

  @Test
  void aMasterRunsNoRtmpServer() {
    Outcome o = run("--role", "master", "--data-dir", dir.toString(), "--rtmp-server", "embedded");
    assertThat(o.exit()).as(o.err()).isEqualTo(2);
    assertThat(o.err()).contains("--rtmp-server: only for --role standalone or worker");
  }
}
