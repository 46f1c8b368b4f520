package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document under a standard linter: Redocly CLI's recommended rules (with the
 * rules {@code .ci/redocly.yaml} turns off, each with its reason). Any error or warning fails. The
 * linter is installed by {@code .ci/run}; the system property {@code ffrtmp.redocly} or the
 * variable {@code FFRTMP_REDOCLY} names another.
 */
class ApiLintTest {

  static final String VERSION = "1.34.5";
  static final String INSTALL =
      "deploy/install-test-deps.sh (or: npm install --prefix .ci/node --no-save @redocly/cli@"
          + VERSION
          + ")";

  @Test
  void theServedDocumentIsCleanUnderRedoclyRecommended() throws Exception {
    Path redocly = linter();
    if (!Files.isExecutable(redocly)) {
      fail(
          "the OpenAPI linter is not installed at "
              + redocly
              + "; install it from the repository root with: "
              + INSTALL
              + " (or run .ci/run), or name it with -Dffrtmp.redocly=PATH");
    }
    Path dir = Files.createDirectories(Path.of("target", "openapi-lint"));
    Path doc = dir.resolve("api-v1.served.json");
    Files.writeString(doc, ApiContract.document().encodePrettily(), StandardCharsets.UTF_8);
    Path report = dir.resolve("report.json");
    Path log = dir.resolve("redocly.log");
    Process p =
        new ProcessBuilder(
                List.of(
                    redocly.toString(),
                    "lint",
                    doc.toString(),
                    "--config",
                    Path.of(".ci", "redocly.yaml").toString(),
                    "--format",
                    "json"))
            .redirectOutput(report.toFile())
            .redirectError(log.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("redocly lint took over 120 s; its log: " + log);
    }
    String out = Files.readString(report, StandardCharsets.UTF_8);
    String err = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(out).as("redocly printed no report (exit %d): %s", p.exitValue(), err).contains("{");
    JsonObject result = new JsonObject(out.substring(out.indexOf('{')));
    JsonObject totals = result.getJsonObject("totals");
    assertThat(result.getJsonArray("problems").encodePrettily())
        .as("redocly lint of %s: %s", doc, totals)
        .isEqualTo("[ ]");
    assertThat(totals.getInteger("errors") + totals.getInteger("warnings")).isZero();
    assertThat(p.exitValue()).as(err).isZero();
  }

  /** -Dffrtmp.redocly, else $FFRTMP_REDOCLY, else where .ci/run installs it. */
  static Path linter() {
    String named = System.getProperty("ffrtmp.redocly", System.getenv("FFRTMP_REDOCLY"));
    return named != null && !named.isBlank()
        ? Path.of(named)
        : Path.of(".ci", "node", "node_modules", ".bin", "redocly");
  }
}
