package io.ffrtmp.live;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Which RTMP server a node's live jobs use: none ({@code off}), one the node runs itself ({@code
 * embedded}: nginx with the RTMP module, see {@link RtmpServer}) or the user's own, named by URL.
 * Built from {@code --rtmp-server} and {@code --rtmp-port}; {@link #parse} names the flag on bad
 * input.
 */
public record RtmpConfig(Mode mode, int port, URI url) {

  /** Where the server comes from. */
  public enum Mode {
    OFF,
    EMBEDDED,
    EXTERNAL
  }

  public static final int DEFAULT_PORT = 1935;

  /** The application the embedded server publishes and plays under. */
  public static final String APPLICATION = "live";

  public static final RtmpConfig OFF = new RtmpConfig(Mode.OFF, DEFAULT_PORT, null);

  /**
   * {@code server}: {@code off}, {@code embedded} or {@code rtmp://host[:port]/app}; {@code port}:
   * the embedded server's RTMP port (its statistics page listens on the next one).
   *
   * @throws IllegalArgumentException "--flag: what is wrong; accepted: ..."
   */
  public static RtmpConfig parse(String server, int port) {
    // The statistics page takes port + 1, so the last port cannot be the RTMP one.
    if (port < 1 || port > 65534) {
      throw new IllegalArgumentException(
          "--rtmp-port: "
              + port
              + " is out of range; accepted: 1 to 65534 (the statistics page listens on the next"
              + " port)");
    }
    String s = server == null ? "off" : server.strip();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.equals("off")) {
      return new RtmpConfig(Mode.OFF, port, null);
    }
    if (lower.equals("embedded")) {
      return new RtmpConfig(Mode.EMBEDDED, port, null);
    }
    return new RtmpConfig(Mode.EXTERNAL, port, externalUrl(s));
  }

  private static URI externalUrl(String s) {
    String accepted = "; accepted: off, embedded or rtmp://host[:port]/app";
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--rtmp-server: '" + s + "' is not a URL" + accepted);
    }
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("--rtmp-server: '" + s + "' is not a URL" + accepted);
    }
    if (!"rtmp".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException(
          "--rtmp-server: '" + s + "' has scheme " + uri.getScheme() + accepted);
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "--rtmp-server: '" + s + "' names no host (or carries credentials)" + accepted);
    }
    if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
      throw new IllegalArgumentException(
          "--rtmp-server: port " + uri.getPort() + " is out of range; accepted: 1 to 65535");
    }
    if (uri.getAuthority() != null && uri.getAuthority().endsWith(":")) {
      throw new IllegalArgumentException("--rtmp-server: '" + s + "' has an empty port" + accepted);
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.matches("/[A-Za-z0-9._-]+/?")
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "--rtmp-server: '"
              + s
              + "' must name one application (letters, digits, '.', '_', '-') and nothing"
              + " after it"
              + accepted);
    }
    String app = path.replace("/", "");
    int p = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    return URI.create("rtmp://" + hostForUri(uri.getHost()) + ":" + p + "/" + app);
  }

  private static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  public boolean embedded() {
    return mode == Mode.EMBEDDED;
  }

  /** The port the embedded server's statistics page listens on (127.0.0.1 only). */
  public int statsPort() {
    return port + 1;
  }

  /**
   * The application URL live jobs publish to and read from: the user's server, or the embedded one
   * on this machine; null when off.
   */
  public URI applicationUrl() {
    return switch (mode) {
      case OFF -> null;
      case EMBEDDED -> URI.create("rtmp://127.0.0.1:" + port + "/" + APPLICATION);
      case EXTERNAL -> url;
    };
  }

  /** One line for start-up: where the RTMP server is. */
  public String describe() {
    return switch (mode) {
      case OFF -> "rtmp: off (--rtmp-server embedded or rtmp://host/app to enable live streams)";
      case EMBEDDED -> "rtmp at " + applicationUrl() + " (embedded nginx-rtmp)";
      case EXTERNAL -> "rtmp at " + url + " (your own server; ffrtmp does not start it)";
    };
  }
}
