package io.ffrtmp.cluster;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Event-bus TLS with client certificates, made by deploy/cluster-certs.sh: members with
 * certificates from the cluster's CA talk; a member with a certificate from another CA, or without
 * TLS, joins Hazelcast's membership (which TLS does not cover) but gets no event-bus traffic
 * through, either way.
 */
class ClusterTlsIT {

  static Path certs;
  static final String CLUSTER = "tls" + UUID.randomUUID().toString().substring(0, 8);
  static final int BASE = 7000 + ThreadLocalRandom.current().nextInt(0, 100) * 10;
  static final List<String> MEMBERS =
      List.of(
          "127.0.0.1:" + BASE,
          "127.0.0.1:" + (BASE + 1),
          "127.0.0.1:" + (BASE + 2),
          "127.0.0.1:" + (BASE + 3));
  static final List<Vertx> nodes = new ArrayList<>();

  static void sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new AssertionError(
          String.join(" ", cmd)
              + " failed (is openssl installed? deploy/install-deps.sh installs it): "
              + out);
    }
  }

  static Vertx node(int i, ClusterOptions.Tls tls) throws Exception {
    Vertx v =
        await(
            ClusterSetup.start(
                new ClusterOptions("127.0.0.1", MEMBERS, BASE + i, CLUSTER, 0, tls),
                new VertxOptions()),
            120);
    nodes.add(v);
    return v;
  }

  static ClusterOptions.Tls tls(String dir, String name) {
    Path d = certs.resolve(dir);
    return new ClusterOptions.Tls(
        d.resolve(name + ".pem"), d.resolve(name + ".key"), d.resolve("ca.pem"));
  }

  static Vertx n1;
  static Vertx n2;
  static Vertx rogue;
  static Vertx plain;

  @BeforeAll
  static void cluster() throws Exception {
    certs = Files.createTempDirectory("ffrtmp-certs");
    String script = Path.of("deploy", "cluster-certs.sh").toAbsolutePath().toString();
    sh(script, certs.resolve("ok").toString(), "ca");
    sh(script, certs.resolve("ok").toString(), "node", "n1", "127.0.0.1");
    sh(script, certs.resolve("ok").toString(), "node", "n2", "127.0.0.1");
    sh(script, certs.resolve("other").toString(), "ca");
    sh(script, certs.resolve("other").toString(), "node", "r1", "127.0.0.1");
    n1 = node(0, tls("ok", "n1"));
    n2 = node(1, tls("ok", "n2"));
    rogue = node(2, tls("other", "r1"));
    plain = node(3, null);
    for (Vertx v : List.of(n1, n2, rogue, plain)) {
      String name = v == n1 ? "n1" : v == n2 ? "n2" : v == rogue ? "rogue" : "plain";
      await(
          v.eventBus()
              .<String>consumer("tls.ping." + name, m -> m.reply("pong from " + name))
              .completion(),
          30);
    }
  }

  @AfterAll
  static void down() {
    for (Vertx v : nodes) {
      try {
        await(v.close(), 30);
      } catch (Exception e) {
        // closing
      }
    }
  }

  static String ping(Vertx from, String to) throws Exception {
    return await(
            from.eventBus()
                .<String>request(
                    "tls.ping." + to, "ping", new DeliveryOptions().setSendTimeout(4000)),
            30)
        .body();
  }

  @Test
  void membersWithCertificatesFromTheClusterCaTalk() throws Exception {
    assertThat(ping(n2, "n1")).isEqualTo("pong from n1");
    assertThat(ping(n1, "n2")).isEqualTo("pong from n2");
  }

  @Test
  void aCertificateFromAnotherCaGetsNoTrafficThroughEitherWay() throws Exception {
    // Hazelcast lets it in (membership is not covered by event-bus TLS) ...
    assertThat(ClusterSetup.members(n1)).hasSize(4);
    // ... but the event bus refuses its connections, and it refuses ours.
    assertThatThrownBy(() -> ping(rogue, "n1")).isInstanceOf(ReplyException.class);
    assertThatThrownBy(() -> ping(n1, "rogue")).isInstanceOf(ReplyException.class);
  }

  @Test
  void aMemberWithoutTlsGetsNoTrafficThrough() throws Exception {
    assertThatThrownBy(() -> ping(plain, "n2")).isInstanceOf(ReplyException.class);
    assertThatThrownBy(() -> ping(n2, "plain")).isInstanceOf(ReplyException.class);
  }
}
