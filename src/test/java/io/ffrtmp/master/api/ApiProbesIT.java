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
      for (String probe : new String[] {"/health", "/ready", "/metrics"}) {
        assertThat(api.get(probe, null).status()).as(probe).isEqualTo(401);
        assertThat(api.get(probe, api.tokens.get(Role.VIEWER)).status()).as(probe).isEqualTo(200);
      }
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
