package io.ffrtmp.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.monitoring.DeployTools.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alert rules as Prometheus and vmalert load them, their promtool unit tests, and the
 * copies {@code deploy/monitoring.sh rules} renders with other thresholds.
 */
class AlertRulesTest {

  static final Path RULES = Path.of("deploy", "alerts", "ffrtmp.rules.yml");
  static final Path RULE_TESTS = Path.of("deploy", "alerts", "ffrtmp.rules.test.yml");
  static final Path SCRIPT = Path.of("deploy", "monitoring.sh");

  static final List<String> ALERTS =
      List.of(
          "FfrtmpNodePowerHigh",
          "FfrtmpNodePowerCritical",
          "FfrtmpPowerSourceDown",
          "FfrtmpNodePowerEstimated",
          "FfrtmpNodeLost",
          "FfrtmpTargetDown",
          "FfrtmpJobFailureRatioHigh",
          "FfrtmpQueueWaitHigh",
          "FfrtmpQueueBacklogHigh",
          "FfrtmpSpoolNotDraining");

  /** Recording rules, each with a promql_expr_test in the unit tests. */
  static final List<String> RECORDS =
      List.of(
          "ffrtmp:live_power_per_stream_watts",
          "ffrtmp:node_energy_cost_per_hour",
          "ffrtmp:node_carbon_grams_per_hour");

  @Test
  void everyRecordingRuleHasAUnitTest() throws Exception {
    String tests = Files.readString(RULE_TESTS);
    for (String record : RECORDS) {
      assertThat(Files.readString(RULES)).contains("- record: " + record + "\n");
      assertThat(tests).as(record).contains("- expr: " + record);
    }
  }

  @Test
  void promtoolChecksTheRulesAndTheirUnitTestsPass() throws Exception {
    Path promtool = DeployTools.require("promtool", DeployTools.PROMTOOL_FIX);
    Run check = DeployTools.run(List.of(promtool.toString(), "check", "rules", RULES.toString()));
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output())
        .contains("SUCCESS: " + (ALERTS.size() + RECORDS.size()) + " rules found");

    Run test =
        DeployTools.run(List.of(promtool.toString(), "test", "rules", RULE_TESTS.toString()));
    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void vmalertAcceptsTheRules() throws Exception {
    Path vmalert = DeployTools.require("vmalert", DeployTools.VICTORIA_METRICS_FIX);
    Run dry =
        DeployTools.run(
            List.of(vmalert.toString(), "-dryRun", "-rule=" + RULES, "-loggerLevel=ERROR"));
    assertThat(dry.exitCode()).as(dry.output()).isZero();
  }

  @Test
  void everyAlertHasForSeverityAnnotationsAndBothKindsOfUnitTest() throws Exception {
    Map<String, String> rules = ruleBlocks(Files.readString(RULES, StandardCharsets.UTF_8));
    assertThat(rules.keySet()).containsExactlyInAnyOrderElementsOf(ALERTS);
    rules.forEach(
        (name, block) -> {
          assertThat(block).as(name).containsPattern("\n\\s+for: \\d+m\n");
          assertThat(block).as(name).containsPattern("severity: (info|warning|critical)\n");
          assertThat(block).as(name).contains("summary: \"").contains("description: \"");
        });

    // Each eval of the unit tests: which alert, and whether it expects alerts or none.
    String tests = Files.readString(RULE_TESTS, StandardCharsets.UTF_8);
    Map<String, List<Boolean>> cases = new LinkedHashMap<>();
    for (String evalCase : tests.split("- eval_time: ")) {
      Matcher alert = Pattern.compile("alertname: (\\w+)").matcher(evalCase);
      if (alert.find()) {
        boolean fires = !evalCase.contains("exp_alerts: []");
        cases.computeIfAbsent(alert.group(1), k -> new ArrayList<>()).add(fires);
      }
    }
    for (String name : ALERTS) {
      assertThat(cases.get(name)).as("unit tests of " + name).contains(true, false);
    }
  }

  @Test
  void theRenderedDefaultsAreTheShippedFile() throws Exception {
    Run render = DeployTools.run(List.of("bash", SCRIPT.toString(), "rules"));
    assertThat(render.exitCode()).as(render.output()).isZero();
    assertThat(render.output()).isEqualTo(Files.readString(RULES, StandardCharsets.UTF_8));
  }

  /**
   * A copy rendered with other thresholds changes every threshold: the shipped unit tests, written
   * for the defaults, fail against it, and an alert fires at the new threshold, not the old.
   */
  @Test
  void aRenderedCopyAlertsAtTheThresholdsGiven(@TempDir Path dir) throws Exception {
    Path promtool = DeployTools.require("promtool", DeployTools.PROMTOOL_FIX);
    Run render =
        DeployTools.run(
            List.of(
                "bash",
                SCRIPT.toString(),
                "rules",
                "--power-warn-watts",
                "100",
                "--power-crit-watts=200.5",
                "--failure-ratio",
                "0.5",
                "--failure-min-jobs",
                "50",
                "--queue-wait-seconds",
                "3600",
                "--queued-jobs",
                "1000",
                "--spool-minutes",
                "40"));
    assertThat(render.exitCode()).as(render.output()).isZero();
    Path rendered = Files.writeString(dir.resolve("ffrtmp.rules.yml"), render.output());
    assertThat(render.output())
        .startsWith("# Rendered by deploy/monitoring.sh")
        .contains("> 100  # threshold: power-warn-watts")
        .contains("> 200.5  # threshold: power-crit-watts")
        .contains("[40m]")
        .doesNotContain("[15m]) >= 0")
        .doesNotContain("> 300  #");

    Run check =
        DeployTools.run(List.of(promtool.toString(), "check", "rules", rendered.toString()));
    assertThat(check.exitCode()).as(check.output()).isZero();

    // The defaults' unit tests against the changed copy: every threshold moved, so they fail.
    Files.writeString(
        dir.resolve("defaults.test.yml"), Files.readString(RULE_TESTS, StandardCharsets.UTF_8));
    Run defaults =
        DeployTools.run(
            List.of(
                promtool.toString(), "test", "rules", dir.resolve("defaults.test.yml").toString()));
    assertThat(defaults.exitCode()).as(defaults.output()).isNotZero();
    for (String moved :
        List.of(
            "FfrtmpNodePowerHigh",
            "FfrtmpNodePowerCritical",
            "FfrtmpJobFailureRatioHigh",
            "FfrtmpQueueWaitHigh",
            "FfrtmpQueueBacklogHigh",
            "FfrtmpSpoolNotDraining")) {
      assertThat(defaults.output()).as("a failed unit test of " + moved).contains(moved);
    }

    // 150 W: a warning at the new 100 W (none at the default 300 W); 250 W: critical above 200.5 W.
    Files.writeString(
        dir.resolve("changed.test.yml"),
        """
        rule_files: [ffrtmp.rules.yml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'ffrtmp_node_power_watts{instance="w1:9464",node="w1",scope="cpu"}'
                values: '150x20'
              - series: 'ffrtmp_node_power_watts{instance="w2:9464",node="w2",scope="cpu"}'
                values: '250x20'
            alert_rule_test:
              - eval_time: 10m
                alertname: FfrtmpNodePowerHigh
                exp_alerts:
                  - exp_labels: {severity: warning, instance: "w1:9464", node: w1}
                    exp_annotations:
                      summary: "Node w1:9464 draws 150 W"
                      description: "Node w1 (w1:9464) has drawn more than 100 W for 5 minutes: 150.0 W now."
                  - exp_labels: {severity: warning, instance: "w2:9464", node: w2}
                    exp_annotations:
                      summary: "Node w2:9464 draws 250 W"
                      description: "Node w2 (w2:9464) has drawn more than 100 W for 5 minutes: 250.0 W now."
              - eval_time: 10m
                alertname: FfrtmpNodePowerCritical
                exp_alerts:
                  - exp_labels: {severity: critical, instance: "w2:9464", node: w2}
                    exp_annotations:
                      summary: "Node w2:9464 draws 250 W"
                      description: "Node w2 (w2:9464) has drawn more than 200.5 W for 2 minutes: 250.0 W now."
        """);
    Run changed =
        DeployTools.run(
            List.of(
                promtool.toString(), "test", "rules", dir.resolve("changed.test.yml").toString()));
    assertThat(changed.exitCode()).as(changed.output()).isZero();
  }

  @Test
  void aThresholdThatIsNotANumberIsRefusedNamingTheFlag() throws Exception {
    for (List<String> bad :
        List.of(
            List.of("--power-warn-watts", "lots"),
            List.of("--power-crit-watts", "-5"),
            List.of("--failure-ratio", "1.5"),
            List.of("--queue-wait-seconds", "5m"),
            List.of("--queued-jobs", "1e3"),
            List.of("--spool-minutes", "0"))) {
      List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), "rules"));
      command.addAll(bad);
      Run run = DeployTools.run(command);
      assertThat(run.exitCode()).as(bad + ": " + run.output()).isEqualTo(2);
      assertThat(run.output())
          .as(bad.toString())
          .contains(bad.get(0) + ": '" + bad.get(1) + "'")
          .doesNotContain("groups:");
    }
    Run order =
        DeployTools.run(List.of("bash", SCRIPT.toString(), "rules", "--power-warn-watts", "500"));
    assertThat(order.exitCode()).isEqualTo(2);
    assertThat(order.output())
        .contains("--power-warn-watts (500) must be below --power-crit-watts");
  }

  /** Each rule's text, from its "- alert:" line to the next. */
  static Map<String, String> ruleBlocks(String rules) {
    Map<String, String> blocks = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^\\s+- alert: (\\w+)\n").matcher(rules);
    String name = null;
    int start = 0;
    while (m.find()) {
      if (name != null) {
        blocks.put(name, rules.substring(start, m.start()));
      }
      name = m.group(1);
      start = m.start();
    }
    if (name != null) {
      blocks.put(name, rules.substring(start));
    }
    return blocks;
  }
}
