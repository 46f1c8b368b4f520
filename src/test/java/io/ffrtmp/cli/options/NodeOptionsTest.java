package io.ffrtmp.cli.options;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad node flags are exit 2 with the flag named, before anything starts. */
class NodeOptionsTest {

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
        "--slots 0|--slots: 0 is out of range",
        "--heartbeat-ms 50|--heartbeat-ms",
        "--heartbeat-ms 2000 --lease-ms 3000|--lease-ms: 3000 is out of range; accepted: at least"
            + " two heartbeats",
        "--max-attempts 0|--max-attempts",
        "--cluster-name a;b|--cluster-name",
        "--cluster-cert /etc/hostname|give all three",
        "--join 10.0.0.1;rm|--join",
        "--label bad=va;lue|--label",
        "--db mysql://x/y|postgresql://",
        "--metrics-port 70000|--metrics-port: 70000 is out of range; accepted: 0 (off) to 65535",
        "--metrics-port -1|--metrics-port",
        "--metrics-bind not-an-ip|--metrics-bind: 'not-an-ip' is not an IP address",
        "--metrics-bind 192.0.2.1|--metrics-bind: '192.0.2.1' (192.0.2.1) is not an address of this"
            + " machine",
        "--metrics-token-file /nonexistent/token|--metrics-token-file: cannot read"
            + " /nonexistent/token"
      })
  void badWorkerAndMasterFlagsAreExitTwoNamingTheFlag(String flags, String message) {
    for (String role : new String[] {"worker", "master"}) {
      String[] args = ("--role " + role + " --data-dir " + dir + " " + flags).split(" ");
      Outcome o = run(args);
      assertThat(o.exit()).as(o.err()).isEqualTo(2);
      assertThat(o.err()).contains(message);
    }
  }

  @Test
  void anEmptyMetricsTokenFileIsExitTwoNamingTheFlag() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "\n");
    for (String role : new String[] {"worker", "master", "standalone"}) {
      Outcome o =
          run(
              "--role",
              role,
              "--data-dir",
              dir.toString(),
              "--metrics-token-file",
              token.toString());
      assertThat(o.exit()).as(o.err()).isEqualTo(2);
      assertThat(o.err()).contains("--metrics-token-file: " + token + " is empty");
    }
  }

  @Test
  void everyNodeNeedsACluster() {
    Outcome o = run("bench", "--every-node", "--data-dir", dir.toString());
    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.err()).contains("--every-node: only with --join");
  }
}
