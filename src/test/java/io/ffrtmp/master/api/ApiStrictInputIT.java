package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The findings of issue 11 through the real HTTPS server: JSON that two readers could take
 * differently (comments, duplicate keys), integers beyond 32 bits that used to wrap into range, and
 * control characters in text. Each is a 400 naming the field, and nothing is stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiStrictInputIT {

  @TempDir static Path dir;

  ApiFixture api;

  @BeforeAll
  void up() throws Exception {
    api = ApiFixture.storeOnly(dir, c -> c.withRate(10_000, 10_000));
  }

  @AfterAll
  void down() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  private String operator() {
    return api.tokens.get(Role.OPERATOR);
  }

  /** POSTs the body, expects a 400 naming {@code field}, returns the message. */
  private String refused(String path, String body, String field) throws Exception {
    long jobs = api.count("SELECT count(*) FROM jobs");
    long campaigns = api.count("SELECT count(*) FROM campaigns");
    ApiFixture.Response r = api.post(path, operator(), body);
    assertThat(r.status()).as(body + " -> " + r.text()).isEqualTo(400);
    assertThat(r.field()).as(body + " -> " + r.text()).isEqualTo(field);
    assertThat(api.count("SELECT count(*) FROM jobs")).as("jobs stored").isEqualTo(jobs);
    assertThat(api.count("SELECT count(*) FROM campaigns"))
        .as("campaigns stored")
        .isEqualTo(campaigns);
    return r.json().getJsonObject("error").getString("message");
  }

  @Test
  void duplicateKeysAndCommentsAreRefusedNamingWhere() throws Exception {
    assertThat(refused("/api/v1/jobs", "{\"queue\":\"live\",\"queue\":\"batch\"}", "queue"))
        .contains("duplicate key 'queue'");
    refused("/api/v1/jobs", "{\"video\": {\"crf\": 20, \"crf\": 40}}", "video.crf");
    refused(
        "/api/v1/campaigns",
        "{\"name\": \"c\", \"configurations\": [{\"queue\": \"live\", \"queue\": \"batch\"}]}",
        "configurations[0].queue");
    assertThat(refused("/api/v1/jobs", "{\"queue\": \"live\" /* or batch */}", "body"))
        .contains("comment")
        .contains("after queue")
        .contains("line 1, column");
    assertThat(refused("/api/v1/campaigns", "// mine\n{\"name\": \"c\"}", "body"))
        .contains("comment")
        .contains("line 1, column 1");
    // Before any token is looked at: the one body two readers could take differently.
    ApiFixture.Response token =
        api.post("/api/v1/tokens", null, "{\"api_key\": \"x\", \"api_key\": \"y\"}");
    assertThat(token.status()).isEqualTo(400);
    assertThat(token.field()).isEqualTo("api_key");
  }

  @Test
  void integersBeyond32BitsAreRefusedQuotingTheValueAsSent() throws Exception {
    assertThat(refused("/api/v1/jobs", "{\"timeout_s\": 4294967596}", "timeout_s"))
        .startsWith("4294967596 is out of range");
    assertThat(refused("/api/v1/jobs", "{\"video\": {\"crf\": 4294967319}}", "video.crf"))
        .startsWith("4294967319 is out of range");
    assertThat(
            refused(
                "/api/v1/jobs",
                "{\"measure\": {\"interval_ms\": -9223372036854775809}}",
                "measure.interval_ms"))
        .startsWith("-9223372036854775809 is out of range");
    assertThat(refused("/api/v1/jobs", "{\"video\": {\"gop\": 1e30}}", "video.gop"))
        .contains("1E+30");
    assertThat(refused("/api/v1/jobs", "{\"video\": {\"crf\": 23.5}}", "video.crf"))
        .contains("23.5");
    assertThat(refused("/api/v1/campaigns", "{\"name\": \"c\", \"repeat\": 4294967297}", "repeat"))
        .startsWith("4294967297 is out of range");
    assertThat(
            refused(
                "/api/v1/campaigns",
                "{\"name\": \"c\", \"axes\": {\"video.threads\": [2, 4294967298]}}",
                "video.threads"))
        .startsWith("4294967298 is out of range");
    for (String limit :
        List.of("4294967297", "9223372036854775808", "-4294967295", "1e30", "2.5")) {
      ApiFixture.Response r = api.get("/api/v1/jobs?limit=" + limit, api.tokens.get(Role.VIEWER));
      assertThat(r.status()).as(limit + " -> " + r.text()).isEqualTo(400);
      assertThat(r.field()).isEqualTo("limit");
      assertThat(r.json().getJsonObject("error").getString("message")).contains(limit);
    }
    ApiFixture.Response ttl =
        api.post(
            "/api/v1/tokens",
            api.tokens.get(Role.ADMIN),
            "{\"role\": \"viewer\", \"ttl_minutes\": 4294967297}");
    assertThat(ttl.status()).as(ttl.text()).isEqualTo(400);
    assertThat(ttl.field()).isEqualTo("ttl_minutes");
    assertThat(ttl.json().getJsonObject("error").getString("message")).contains("4294967297");
  }

  @Test
  void controlCharactersInCampaignAndJobTextAreRefused() throws Exception {
    refused("/api/v1/campaigns", "{\"name\": \"a\\u0000b\"}", "name");
    refused("/api/v1/campaigns", "{\"name\": \"c\", \"description\": \"x\\u0000\"}", "description");
    refused(
        "/api/v1/campaigns",
        "{\"name\": \"c\", \"description\": \"line\\u001b[31m\"}",
        "description");
    refused(
        "/api/v1/campaigns",
        "{\"name\": \"c\", \"base\": {\"requirements\": {\"labels\": {\"gpu\": \"a\\u007f\"}}}}",
        "base.requirements.labels.gpu");
    refused("/api/v1/jobs", "{\"name\": \"x\\u0085y\"}", "name");
  }
}
