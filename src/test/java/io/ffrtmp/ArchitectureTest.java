package io.ffrtmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the compiled main classes, read with the JDK's jdeps: no cycles, and the
 * lower layers (the job model, hardware facts, power, quality, analysis, cluster plumbing, live
 * servers) know nothing of the roles built on them. See docs/architecture.md for the picture these
 * rules keep true.
 */
class ArchitectureTest {

  private static final Path CLASSES = Path.of("target", "classes");
  private static final Map<String, Set<String>> GRAPH = new TreeMap<>();

  @BeforeAll
  static void readGraph() {
    assertThat(Files.isDirectory(CLASSES.resolve("io/ffrtmp")))
        .as("compiled classes in %s", CLASSES)
        .isTrue();
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(
                () ->
                    new AssertionError(
                        "jdeps is missing: run the tests on a JDK (apt-get install"
                            + " openjdk-17-jdk-headless)"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "-verbose:package",
            "-filter:none",
            "-e",
            "io\\.ffrtmp(\\..*)?",
            CLASSES.toString());
    assertThat(rc).as("jdeps: %s", err).isZero();
    // Lines look like "   io.ffrtmp.worker   -> io.ffrtmp.job   classes".
    for (String line : out.toString().split("\n")) {
      String[] p = line.trim().split("\\s+");
      if (p.length >= 3
          && p[1].equals("->")
          && p[0].startsWith("io.ffrtmp")
          && p[2].startsWith("io.ffrtmp")
          && !p[0].equals(p[2])) {
        GRAPH.computeIfAbsent(p[0], k -> new TreeSet<>()).add(p[2]);
      }
    }
    assertThat(GRAPH)
        .as("package edges read from jdeps")
        .containsKeys("io.ffrtmp.worker", "io.ffrtmp.master");
  }

  @Test
  void noPackageCycles() {
    assertThat(cycles())
        .as("package cycles (each list is a strongly connected set of packages)")
        .isEmpty();
  }

  @Test
  void lowerLayersDoNotReachUp() {
    List<String> roles =
        List.of(
            "io.ffrtmp.master",
            "io.ffrtmp.worker",
            "io.ffrtmp.node",
            "io.ffrtmp.cli",
            "io.ffrtmp.bench");
    Map<String, List<String>> violations = new TreeMap<>();
    for (String low :
        List.of(
            "io.ffrtmp.job",
            "io.ffrtmp.hardware",
            "io.ffrtmp.power",
            "io.ffrtmp.quality",
            "io.ffrtmp.analysis",
            "io.ffrtmp.cluster",
            "io.ffrtmp.live")) {
      for (String target : GRAPH.getOrDefault(low, Set.of())) {
        if (roles.stream().anyMatch(r -> target.equals(r) || target.startsWith(r + "."))) {
          violations.computeIfAbsent(low, k -> new ArrayList<>()).add(target);
        }
      }
    }
    assertThat(violations).as("lower layers importing role packages").isEmpty();
    assertThat(GRAPH.getOrDefault("io.ffrtmp.hardware", Set.of()))
        .as("hardware facts stand alone")
        .isEmpty();
    assertThat(GRAPH.getOrDefault("io.ffrtmp.worker", Set.of()))
        .as("the worker talks to masters over the bus only")
        .noneMatch(t -> t.startsWith("io.ffrtmp.master"));
    assertThat(GRAPH.getOrDefault("io.ffrtmp.node", Set.of()))
        .as("start-up wiring parses no command line")
        .noneMatch(t -> t.startsWith("io.ffrtmp.cli"));
  }

  /** Tarjan's strongly connected components of more than one package. */
  private static List<List<String>> cycles() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<List<String>> found = new ArrayList<>();
    int[] next = {0};
    for (String v : GRAPH.keySet()) {
      if (!index.containsKey(v)) {
        strongConnect(v, index, low, stack, onStack, found, next);
      }
    }
    return found;
  }

  private static void strongConnect(
      String v,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<List<String>> found,
      int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]++);
    stack.push(v);
    onStack.add(v);
    for (String w : GRAPH.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        strongConnect(w, index, low, stack, onStack, found, next);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> component = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        found.add(component);
      }
    }
  }
}
