package io.ffrtmp.job;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A live input's or output's URL, checked for form before any host list is asked: {@code
 * rtmp://HOST[:PORT]/APP/STREAM} or {@code srt://HOST:PORT}. No user or password, no query and no
 * fragment, so nothing in the URL can set an FFmpeg protocol option (SRT's {@code ?mode=listener},
 * {@code passphrase}, RTMP's space-separated options). Which hosts are allowed is {@link
 * LiveHosts}'.
 */
public final class LiveUrl {

  public static final String RTMP_ACCEPTED =
      "rtmp://HOST[:PORT]/APP/STREAM (APP and STREAM: 1 to 128 letters, digits, '.', '_', '-'; no"
          + " user, password, query or fragment)";

  public static final String SRT_ACCEPTED =
      "srt://HOST:PORT (a port from 1 to 65535; no user, password, path, query or fragment:"
          + " the job connects as an SRT caller)";

  public static final int MAX_LENGTH = 1024;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})?");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}]");

  private LiveUrl() {}

  /**
   * {@code type} is {@code rtmp} or {@code srt}; returns the canonical form (lower-case scheme and
   * host, the port always written).
   *
   * @throws SpecException naming {@code field} and the accepted form
   */
  public static URI parse(String field, String type, String text) {
    String accepted = "rtmp".equals(type) ? RTMP_ACCEPTED : SRT_ACCEPTED;
    if (text == null) {
      throw new SpecException(field, "required for type " + type + "; accepted: " + accepted);
    }
    String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    shown = shown.replaceAll("\\p{Cntrl}", "?");
    if (text.length() > MAX_LENGTH || text.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
      throw new SpecException(
          field,
          "'" + shown + "' has spaces, control or non-ASCII characters; accepted: " + accepted);
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new SpecException(field, "'" + shown + "' is not a URL; accepted: " + accepted);
    }
    if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase(type)) {
      throw new SpecException(
          field,
          "'"
              + shown
              + "' does not use the "
              + type
              + " scheme of input type "
              + type
              + "; accepted: "
              + accepted);
    }
    if (uri.getRawUserInfo() != null || text.substring(type.length() + 3).contains("@")) {
      throw new SpecException(
          field, "'" + shown + "' carries a user or password; accepted: " + accepted);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || text.contains("?")) {
      throw new SpecException(
          field,
          "'"
              + shown
              + "' has a query or fragment (FFmpeg would read options from it); accepted: "
              + accepted);
    }
    String host = uri.getHost();
    if (host == null || !(HOST.matcher(host).matches() || IPV6.matcher(host).matches())) {
      throw new SpecException(field, "'" + shown + "' names no valid host; accepted: " + accepted);
    }
    int port = uri.getPort();
    String authority = uri.getRawAuthority();
    if (authority == null
        || authority.endsWith(":")
        || !authority.equalsIgnoreCase(host + (port == -1 ? "" : ":" + port))) {
      throw new SpecException(
          field, "'" + shown + "' has a malformed host or port; accepted: " + accepted);
    }
    if (port == -1 && "srt".equals(type)) {
      throw new SpecException(field, "'" + shown + "' names no port; accepted: " + accepted);
    }
    if (port == 0 || port > 65535) {
      throw new SpecException(
          field, "port " + port + " is out of range (1 to 65535); accepted: " + accepted);
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if ("rtmp".equals(type)) {
      String[] parts = path.startsWith("/") ? path.substring(1).split("/", -1) : new String[0];
      if (parts.length != 2
          || !NAME.matcher(parts[0]).matches()
          || !NAME.matcher(parts[1]).matches()) {
        throw new SpecException(
            field,
            "'" + shown + "' must name one application and one stream; accepted: " + accepted);
      }
    } else if (!path.isEmpty() && !path.equals("/")) {
      throw new SpecException(field, "'" + shown + "' has a path; accepted: " + accepted);
    }
    int p = port == -1 ? 1935 : port;
    return URI.create(
        type + "://" + host.toLowerCase(Locale.ROOT) + ":" + p + ("rtmp".equals(type) ? path : ""));
  }

  /** The host as the allow-list compares it: lower case, IPv6 without brackets. */
  public static String host(URI url) {
    String h = url.getHost().toLowerCase(Locale.ROOT);
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }
}
