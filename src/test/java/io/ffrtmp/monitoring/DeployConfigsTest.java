package io.ffrtmp.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.monitoring.DeployTools.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scrape configurations and systemd units in deploy/, checked by the programs that load them.
 */
class DeployConfigsTest {

  static final Path PROMETHEUS_YML = Path.of("deploy", "prometheus.yml");
  static final Path PROMSCRAPE_YML = Path.of("deploy", "victoriametrics", "promscrape.yml");
  static final Path UNITS = Path.of("deploy", "systemd");

  @Test
  void prometheusLoadsItsConfigWithTheAlertRules() throws Exception {
    Path promtool = DeployTools.require("promtool", DeployTools.PROMTOOL_FIX);
    Run check =
        DeployTools.run(List.of(promtool.toString(), "check", "config", PROMETHEUS_YML.toString()));
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output())
        .contains("1 rule files found")
        .contains((AlertRulesTest.ALERTS.size() + AlertRulesTest.RECORDS.size()) + " rules found");
  }

  @Test
  void victoriaMetricsLoadsItsScrapeConfigStrictly() throws Exception {
    Path vm = DeployTools.require("victoria-metrics", DeployTools.VICTORIA_METRICS_FIX);
    Run check =
        DeployTools.run(
            List.of(
                vm.toString(),
                "-promscrape.config=" + PROMSCRAPE_YML,
                "-promscrape.config.strictParse",
                "-promscrape.config.dryRun",
                "-loggerLevel=ERROR"));
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  /**
   * Both scrape configs discover through the master and relabel nothing (so no label is added, id
   * or otherwise), under the job name the alert rules look for.
   */
  @Test
  void bothScrapeThroughTheMastersServiceDiscovery() throws Exception {
    for (Path config : List.of(PROMETHEUS_YML, PROMSCRAPE_YML)) {
      String yml =
          Files.readString(config, StandardCharsets.UTF_8)
              .lines()
              .filter(l -> !l.strip().startsWith("#"))
              .map(l -> l + "\n")
              .reduce("", String::concat);
      assertThat(yml)
          .as(config.toString())
          .contains("- job_name: ffrtmp\n")
          .contains("http_sd_configs:\n      - url: https://127.0.0.1:8443/metrics/targets\n")
          .doesNotContain("relabel_configs")
          .doesNotContain("static_configs");
    }
  }

  @Test
  void systemdAcceptsTheUnits() throws Exception {
    Path analyze = DeployTools.require("systemd-analyze", DeployTools.SYSTEMD_FIX);
    List<String> command = new ArrayList<>(List.of(analyze.toString(), "verify"));
    try (Stream<Path> units = Files.list(UNITS)) {
      units
          .filter(p -> p.toString().endsWith(".service"))
          .sorted()
          .forEach(p -> command.add(p.toAbsolutePath().toString()));
    }
    assertThat(command)
        .hasSize(6)
        .anyMatch(c -> c.endsWith("ffrtmp-master.service"))
        .anyMatch(c -> c.endsWith("ffrtmp-worker.service"))
        .anyMatch(c -> c.endsWith("ffrtmp-victoriametrics.service"))
        .anyMatch(c -> c.endsWith("ffrtmp-vmalert.service"));
    Run verify = DeployTools.run(command);
    // An unknown key is only a warning to systemd: any line naming one of these units fails too.
    assertThat(verify.output().lines().filter(l -> l.contains("ffrtmp-")).toList())
        .as(verify.output())
        .isEmpty();
    assertThat(verify.exitCode()).as(verify.output()).isZero();
  }
}
