package io.ffrtmp.master.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who the client is behind reverse proxies of our own ({@code --trust-proxy CIDR}): when the direct
 * peer is inside a trusted CIDR, X-Forwarded-For is read from the right, skipping trusted hops; the
 * first untrusted address is the client. Anyone else's X-Forwarded-For is ignored, so a client
 * cannot choose its own rate bucket.
 */
final class TrustedProxies {

  private final List<Cidr> trusted;

  TrustedProxies(List<String> cidrs) {
    this.trusted = cidrs.stream().map(Cidr::parse).toList();
  }

  /**
   * The client's address: the peer's, or (from a trusted proxy) the rightmost untrusted hop it
   * forwarded.
   */
  String client(String peer, List<String> forwardedFor) {
    if (peer == null || trusted.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    String client = peer;
    List<String> hops =
        forwardedFor.stream()
            .flatMap(h -> List.of(h.split(",")).stream())
            .map(String::trim)
            .toList();
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (!Cidr.isLiteral(hop)) {
        return client; // garbage from a trusted proxy's own client: the last hop we could trust is
        // the answer
      }
      client = hop;
      if (!isTrusted(hop)) {
        return hop;
      }
    }
    return client;
  }

  private boolean isTrusted(String address) {
    return trusted.stream().anyMatch(c -> c.contains(address));
  }

  /**
   * An IPv4 or IPv6 network, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or
   * /128.
   */
  record Cidr(byte[] network, int prefix) {

    // Strict forms only: anything InetAddress would not take as a literal it would look up in DNS.
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])";
    private static final Pattern LITERAL =
        Pattern.compile(OCTET + "(\\." + OCTET + "){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    static Cidr parse(String text) {
      String[] parts = text.trim().split("/", 2);
      byte[] net = literal(parts[0]);
      int max = net == null ? 0 : net.length * 8;
      int prefix;
      try {
        prefix = parts.length == 1 ? max : Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (net == null || prefix < 0 || prefix > max) {
        throw new IllegalArgumentException(
            "--trust-proxy: '"
                + text
                + "' is not a CIDR; accepted: e.g. 10.0.0.0/8, "
                + "127.0.0.1/32, fd00::/8");
      }
      return new Cidr(net, prefix);
    }

    static boolean isLiteral(String text) {
      return literal(text) != null;
    }

    /** The address bytes of an IP literal (never a DNS look-up); null for anything else. */
    private static byte[] literal(String text) {
      String t =
          text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
      if (!LITERAL.matcher(t).matches()) {
        return null;
      }
      try {
        return InetAddress.getByName(t).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }

    boolean contains(String address) {
      byte[] a = literal(address);
      if (a == null || a.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < prefix; bit++) {
        int mask = 0x80 >> (bit % 8);
        if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
