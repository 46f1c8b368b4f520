package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A burst beyond the client's bucket is answered 429 with Retry-After; the API stays up. */
class RateLimitIT {

  @TempDir Path dir;

  @Test
  void aBurstBeyondTheBucketIs429WithRetryAfter() throws Exception {
    // Refill so slow that the test's own timing cannot matter: the 11th request of the burst must
    // be refused.
    try (ApiFixture api = ApiFixture.storeOnly(dir, c -> c.withRate(10, 0.001))) {
      List<Integer> statuses = new ArrayList<>();
      String retryAfter = null;
      for (int i = 0; i < 15; i++) {
        ApiFixture.Response r = api.get("/api/v1/jobs", api.tokens.get(Role.VIEWER));
        statuses.add(r.status());
        if (r.status() == 429 && retryAfter == null) {
          retryAfter = r.headers().firstValue("retry-after").orElse(null);
          assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("rate_limited");
        }
      }
      // The fixture itself used 5 requests (3 token exchanges, 2 key creations) of the 10.
      assertThat(statuses).contains(429);
      assertThat(statuses.subList(0, 5)).containsOnly(200);
      assertThat(statuses.subList(5, 15)).containsOnly(429);
      assertThat(retryAfter).isNotNull();
      assertThat(Long.parseLong(retryAfter)).isPositive();
    }
  }
}
