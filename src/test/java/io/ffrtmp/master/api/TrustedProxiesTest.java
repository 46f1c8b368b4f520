package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * X-Forwarded-For counts only from a trusted proxy, read from the right; a client cannot pick its
 * own address.
 */
class TrustedProxiesTest {

  final TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8", "fd00::/8"));

  @Test
  void fromATrustedProxyTheRightmostUntrustedHopIsTheClient() {
    assertThat(proxies.client("10.1.2.3", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
    // The client wrote the first entry itself: only the hop our proxy saw counts.
    assertThat(proxies.client("10.1.2.3", List.of("6.6.6.6, 203.0.113.7")))
        .isEqualTo("203.0.113.7");
    assertThat(proxies.client("10.1.2.3", List.of("203.0.113.7, 10.9.9.9")))
        .isEqualTo("203.0.113.7");
    assertThat(proxies.client("10.1.2.3", List.of("6.6.6.6", "203.0.113.7")))
        .isEqualTo("203.0.113.7");
    assertThat(proxies.client("fd00::1", List.of("2001:db8::5"))).isEqualTo("2001:db8::5");
  }

  @Test
  void anyoneElsesForwardedForIsIgnored() {
    assertThat(proxies.client("192.0.2.1", List.of("203.0.113.7"))).isEqualTo("192.0.2.1");
    assertThat(new TrustedProxies(List.of()).client("10.1.2.3", List.of("203.0.113.7")))
        .isEqualTo("10.1.2.3");
    assertThat(proxies.client("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
    // Garbage (or a name, which is never looked up): the last hop that could be trusted.
    assertThat(proxies.client("10.1.2.3", List.of("evil.example"))).isEqualTo("10.1.2.3");
    assertThat(proxies.client("10.1.2.3", List.of("999.1.1.1, 10.2.2.2"))).isEqualTo("10.2.2.2");
  }

  @Test
  void aCidrIsCheckedWhenTheServerStarts() {
    assertThat(TrustedProxies.Cidr.parse("127.0.0.1").contains("127.0.0.1")).isTrue();
    assertThat(TrustedProxies.Cidr.parse("10.0.0.0/8").contains("11.0.0.1")).isFalse();
    assertThat(TrustedProxies.Cidr.parse("0.0.0.0/0").contains("1.2.3.4")).isTrue();
    for (String bad :
        List.of("10.0.0.0/33", "proxy.example", "10.0.0/8", "fd00::/129", "10.0.0.0/x")) {
      assertThatThrownBy(() -> TrustedProxies.Cidr.parse(bad))
          .as(bad)
          .hasMessageContaining("--trust-proxy");
    }
  }
}
