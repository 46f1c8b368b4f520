package io.ffrtmp.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text scrape, read the way a test needs it: families, label values, promtool. */
public final class Scrape {

  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** A route template: segments of letters, digits, '.', '_', '-', or ':name' parameters. */
  private static final Pattern ROUTE =
      Pattern.compile("(/(:?[A-Za-z0-9._-]*))+(>(/(:?[A-Za-z0-9._-]*))+)*");

  public static final String PROMTOOL_FIX =
      "promtool is missing: run 'sudo apt-get install -y prometheus' (or"
          + " deploy/install-test-deps.sh)";

  /** The one family whose {@code node} label carries the node's id. */
  public static final String NODE_INFO = "ffrtmp_node_info";

  public final String text;

  public Scrape(String text) {
    this.text = text;
  }

  /**
   * The value of the one sample of {@code name} whose labels include every {@code "key", "value"}
   * pair given; null when there is none.
   */
  public Double value(String name, String... labelPairs) {
    List<String> lines = samples(name, labelPairs);
    assertThat(lines).as("samples of " + name + " " + List.of(labelPairs)).hasSizeLessThan(2);
    if (lines.isEmpty()) {
      return null;
    }
    String line = lines.get(0);
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** Sample lines of {@code name} (exactly that name) with every label pair given. */
  public List<String> samples(String name, String... labelPairs) {
    List<String> out = new ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
      if (end < 0 || !line.substring(0, end).equals(name)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i + 1 < labelPairs.length; i += 2) {
        all &= line.contains(labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"");
      }
      if (all) {
        out.add(line);
      }
    }
    return out;
  }

  /** Every "name=value" label pair of every sample line. */
  public List<String[]> labels() {
    return labels(false);
  }

  /**
   * As {@link #labels()}; with {@code exceptNodeInfo}, without the {@code node} label of {@code
   * ffrtmp_node_info}, the one series that names the node.
   */
  private List<String[]> labels(boolean exceptNodeInfo) {
    List<String[]> out = new ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.startsWith("#") || line.indexOf('{') < 0) {
        continue;
      }
      boolean nodeInfo = exceptNodeInfo && line.startsWith(NODE_INFO + "{");
      Matcher m = LABEL.matcher(line.substring(line.indexOf('{'), line.lastIndexOf('}') + 1));
      while (m.find()) {
        if (!(nodeInfo && m.group(1).equals("node"))) {
          out.add(new String[] {m.group(1), m.group(2)});
        }
      }
    }
    return out;
  }

  /**
   * No label value is a UUID (a job id), one of the raw values given (a node id, a job id, a
   * directory) or a raw path; the only values that start with '/' are route templates, and none of
   * them holds a UUID either. The node's id may appear once, as the {@code node} label of {@code
   * ffrtmp_node_info}.
   */
  public void assertBoundedLabels(String... rawPathsAsked) {
    List<String> wrong = new ArrayList<>();
    for (String[] l : labels(true)) {
      String v = l[1];
      boolean bad = UUID.matcher(v).find() || v.contains("/tmp") || v.contains("\\");
      if (v.startsWith("/") && !("route".equals(l[0]) && ROUTE.matcher(v).matches())) {
        bad = true;
      }
      for (String raw : rawPathsAsked) {
        bad |= v.contains(raw);
      }
      if (bad) {
        wrong.add(l[0] + "=" + v);
      }
    }
    assertThat(wrong).as("label values that are ids or paths").isEmpty();
    assertThat(labels()).as("the scrape has labels at all").isNotEmpty();
  }

  /** {@code promtool check metrics} on this scrape: the format and Prometheus naming rules. */
  public void assertPromtoolPasses(Path dir) throws IOException, InterruptedException {
    Path promtool = promtool();
    assertThat(promtool).as(PROMTOOL_FIX).isNotNull();
    Path file = Files.writeString(dir.resolve("scrape.txt"), text, StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool check metrics:\n" + out).isZero();
  }

  private static Path promtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
