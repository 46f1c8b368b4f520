package io.ffrtmp.job;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hosts a live job's input and output URLs may name: loopback always, the node's RTMP server,
 * and those given with {@code --live-allow-host}. A name is compared as written (no DNS lookup at
 * submission), so allowing {@code media.lan} does not allow its address, or the other way round.
 * Checked where {@link MediaRoots} is: at submission on the master, and again on the worker.
 */
public record LiveHosts(List<String> hosts) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  /** Loopback in the forms a URL can name it. */
  public static final List<String> LOOPBACK = List.of("127.0.0.1", "localhost", "::1");

  public static final LiveHosts DEFAULT = new LiveHosts(LOOPBACK);

  public LiveHosts {
    Set<String> all = new LinkedHashSet<>(LOOPBACK);
    for (String h : hosts) {
      all.add(checkOption(h));
    }
    hosts = List.copyOf(all);
  }

  /**
   * One {@code --live-allow-host} value: a host name, an IPv4 address or an IPv6 address (brackets
   * optional).
   *
   * @throws IllegalArgumentException "--live-allow-host: what is wrong; accepted: ..."
   */
  public static String checkOption(String host) {
    String h = host == null ? "" : host.strip();
    String bare = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    if (!(NAME.matcher(bare).matches() || bare.contains(":") && IPV6.matcher(bare).matches())) {
      throw new IllegalArgumentException(
          "--live-allow-host: '"
              + h.replaceAll("\\p{Cntrl}", "?")
              + "' is not a host; accepted: a host name, an IPv4 or an IPv6 address (no scheme,"
              + " port or path)");
    }
    return bare.toLowerCase(Locale.ROOT);
  }

  /** These hosts and more (each checked as {@link #checkOption}). */
  public LiveHosts with(List<String> more) {
    List<String> all = new ArrayList<>(hosts);
    more.forEach(h -> all.add(checkOption(h)));
    return new LiveHosts(all);
  }

  public boolean allows(URI url) {
    return hosts.contains(LiveUrl.host(url));
  }

  /**
   * @throws SpecException naming {@code input.url} or {@code output.url} when a URL's host is not
   *     on the list
   */
  public void check(JobSpec spec) {
    check("input.url", spec.input().url());
    check("output.url", spec.output().url());
    for (int i = 0; i < spec.renditions().size(); i++) {
      check("renditions[" + i + "].output.url", spec.renditions().get(i).output().url());
    }
  }

  private void check(String field, URI url) {
    if (url != null && !allows(url)) {
      throw new SpecException(
          field,
          "host '"
              + LiveUrl.host(url)
              + "' is not on this node's list of live hosts; accepted: "
              + String.join(", ", hosts)
              + " (add one with --live-allow-host HOST)");
    }
  }
}
