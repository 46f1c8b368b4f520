package io.ffrtmp.master.api;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness and readiness as a load balancer sees them, probes behind a token when asked, and the
 * user's own certificate.
 */
class ApiProbesIT {

  @TempDir Path dir;

  @Test
  void readinessFollowsTheDatabaseWhileLivenessStaysUp() throws Exception {
    try (ApiFixture api = ApiFixture.storeOnly(dir, c -> c)) {
      assertThat(api.get("/health", null).status()).isEqualTo(200);
      ApiFixture.Response ready = api.get("/ready", null);
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().getString("outcome")).isEqualTo("UP");
      assertThat(api.get("/metrics", null).text())
          .contains("ffrtmp_api_responses_total{class=\"2xx\"}");
      await(api.store.pool().close(), 10); // the database goes away
      ApiFixture.Response down = api.get("/ready", null);
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.json().getString("outcome")).isEqualTo("DOWN");
      // A reason code, never the database driver's exception text.
      assertThat(
              down.json()
                  .getJsonArray("checks")
                  .getJsonObject(0)
                  .getJsonObject("data")
                  .getString("reason"))
          .isEqualTo("database_unreachable");
      assertThat(down.text())
          .doesNotContainIgnoringCase("exception")
          .doesNotContainIgnoringCase("closed");
      assertThat(api.get("/health", null).status()).isEqualTo(200);
    }
  }

  @Test
  void protectedProbesNeedAToken() throws Exception {
    try (ApiFixture api =
        ApiFixture.storeOnly(
            dir,
            c ->
                new ApiConfig(
                    c.bind(),
                    c.port(),
                    true,
                    null,
                    null,
                    c.dataDir(),
                    c.mediaRoots(),
                    c.rateBurst(),
                    c.ratePerSecond(),
                    c.bodyLimitBytes(),
                    c.tokenTtlMinutes(),
                    false,
                    null,
                    null))) {
      for (String probe : new String[] {"/health", "/ready", "/metrics", "/metrics/targets"}) {
        assertThat(api.get(probe, null).status()).as(probe).isEqualTo(401);
        assertThat(api.get(probe, api.tokens.get(Role.VIEWER)).status()).as(probe).isEqualTo(200);
      }
    }
  }

  @Test
  void aMetricsTokenGuardsTheScrapeEndpointsOnlyAndAViewerTokenStillWorks() throws Exception {
    String token = "prometheus-" + java.util.UUID.randomUUID();
    try (ApiFixture api =
        ApiFixture.storeOnly(dir, c -> c, new MetricsAccess("master-t", "master", token))) {
      for (String probe : new String[] {"/metrics", "/metrics/targets"}) {
        assertThat(api.get(probe, null).status()).as(probe).isEqualTo(401);
        assertThat(api.get(probe, "not-" + token).status()).as(probe).isEqualTo(401);
        assertThat(api.get(probe, token).status()).as(probe).isEqualTo(200);
        assertThat(api.get(probe, api.tokens.get(Role.VIEWER)).status()).as(probe).isEqualTo(200);
      }
      // Load balancers' probes stay open: only --protect-probes closes them.
      assertThat(api.get("/health", null).status()).isEqualTo(200);
      assertThat(api.get("/ready", null).status()).isEqualTo(200);
      // The static token is for scrapes, not for the API.
      assertThat(api.get("/api/v1/jobs", token).status()).isEqualTo(401);
      ApiFixture.Response sd = api.get("/metrics/targets", token);
      assertThat(sd.headers().firstValue("content-type").orElse("")).startsWith("application/json");
      io.vertx.core.json.JsonArray groups = new io.vertx.core.json.JsonArray(sd.text());
      assertThat(groups).hasSize(1);
      io.vertx.core.json.JsonObject self = groups.getJsonObject(0);
      assertThat(self.getJsonArray("targets").getString(0))
          .isEqualTo("127.0.0.1:" + api.server.port());
      assertThat(self.getJsonObject("labels").getMap())
          .containsEntry("node", "master-t")
          .containsEntry("role", "master")
          .containsEntry("__scheme__", "https")
          .containsEntry("__metrics_path__", "/metrics");
    }
  }

  @Test
  void theUsersOwnCertificateIsServedAndNoneIsMade() throws Exception {
    SelfSignedCertificate own = SelfSignedCertificate.create("ffrtmp.example");
    try (ApiFixture api =
        ApiFixture.storeOnly(
            dir,
            c ->
                new ApiConfig(
                    c.bind(),
                    c.port(),
                    true,
                    Path.of(own.certificatePath()),
                    Path.of(own.privateKeyPath()),
                    c.dataDir(),
                    c.mediaRoots(),
                    c.rateBurst(),
                    c.ratePerSecond(),
                    c.bodyLimitBytes(),
                    c.tokenTtlMinutes(),
                    true,
                    null,
                    null))) {
      // The fixture's client pins the server's certificate: it only connects when the server
      // presents the user's own.
      assertThat(api.server.certificate()).isEqualTo(Path.of(own.certificatePath()));
      assertThat(api.get("/api/v1/jobs", api.tokens.get(Role.VIEWER)).status()).isEqualTo(200);
      assertThat(Files.exists(api.dataDir.resolve("api").resolve(ApiSecrets.TLS_CERT))).isFalse();
    } finally {
      own.delete();
    }
  }
}
