package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the web UI is served, over HTTP: everything from the jar under the content security policy,
 * the page revalidated and its versioned assets cached for a year, compressed when asked, nothing
 * outside the web root, and a page that names no other origin and holds no inline code; login codes
 * are single use.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiServingIT {

  @TempDir static Path dir;

  ApiFixture api;

  @BeforeAll
  void up() throws Exception {
    api = ApiFixture.storeOnly(dir, c -> c);
  }

  @AfterAll
  void down() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  private HttpResponse<byte[]> fetch(String path, boolean gzip) throws Exception {
    HttpRequest.Builder b = api.request(path, null).GET();
    if (gzip) {
      b.header("accept-encoding", "gzip");
    }
    return api.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse("");
  }

  @Test
  void thePageIsServedUnderAStrictPolicyAndRevalidated() throws Exception {
    HttpResponse<byte[]> page = fetch("/", false);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(header(page, "content-type")).startsWith("text/html");
    assertThat(header(page, "content-security-policy"))
        .isEqualTo(WebUi.CSP)
        .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe");
    assertThat(header(page, "cache-control")).isEqualTo("no-cache");
    assertThat(header(page, "x-content-type-options")).isEqualTo("nosniff");
    assertThat(header(page, "referrer-policy")).isEqualTo("no-referrer");
    String html = new String(page.body(), java.nio.charset.StandardCharsets.UTF_8);
    // Nothing from another origin, no inline script or style.
    assertThat(html).doesNotContain("http://", "https://", "style=", "__V__");
    assertThat(Pattern.compile("\\son[a-z]+=").matcher(html).find())
        .as("inline handlers")
        .isFalse();
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(html).find()).isFalse();
    assertThat(html).doesNotContain("<style");
    Matcher v = Pattern.compile("/ui/app\\.js\\?v=([0-9a-f]{12})").matcher(html);
    assertThat(v.find()).as("versioned asset URLs").isTrue();

    for (String asset :
        new String[] {
          "/ui/app.js",
          "/ui/app.css",
          "/ui/favicon.svg",
          "/ui/vendor/uplot/uPlot.iife.min.js",
          "/ui/vendor/uplot/uPlot.min.css"
        }) {
      HttpResponse<byte[]> r = fetch(asset + "?v=" + v.group(1), true);
      assertThat(r.statusCode()).as(asset).isEqualTo(200);
      assertThat(header(r, "cache-control")).as(asset).contains("max-age=31536000");
      assertThat(header(r, "content-security-policy")).as(asset).isEqualTo(WebUi.CSP);
      assertThat(header(r, "content-encoding")).as(asset + " compressed").isEqualTo("gzip");
    }
  }

  @Test
  void nothingOutsideTheWebRootIsServed() throws Exception {
    for (String path :
        new String[] {
          "/ui/../openapi/api-v1.json",
          "/ui/%2e%2e/openapi/api-v1.json",
          "/ui/%2e%2e/%2e%2e/logback.xml",
          "/ui/",
          "/ui/vendor/uplot/../../../../logback.xml",
          "/ui/vendor/uplot/",
          "/ui/nope.js"
        }) {
      HttpResponse<byte[]> r = fetch(path, false);
      assertThat(r.statusCode()).as(path).isIn(400, 404);
    }
  }

  @Test
  void aLoginCodeIsExchangedOnceForTheRoleAndKeyThatMadeIt() throws Exception {
    String viewer = api.tokens.get(Role.VIEWER);
    JsonObject link = api.post("/api/v1/login-links", viewer, null).json();
    assertThat(link.getString("path")).isEqualTo("/#login=" + link.getString("code"));
    String exchange = new JsonObject().put("login_code", link.getString("code")).encode();
    ApiFixture.Response both =
        api.post(
            "/api/v1/tokens",
            null,
            new JsonObject()
                .put("login_code", link.getString("code"))
                .put("api_key", "ffk_x")
                .encode());
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.field()).isEqualTo("login_code");
    ApiFixture.Response token = api.post("/api/v1/tokens", null, exchange);
    assertThat(token.status()).as(token.text()).isEqualTo(201);
    JsonObject made = api.get("/api/v1/nodes", viewer).json();
    assertThat(api.get("/api/v1/nodes", token.json().getString("token")).json()).isEqualTo(made);
    assertThat(token.json().getString("role")).isEqualTo("viewer");
    assertThat(token.json().getString("subject")).isEqualTo("test viewer");
    ApiFixture.Response again = api.post("/api/v1/tokens", null, exchange);
    assertThat(again.status()).isEqualTo(401);
    assertThat(again.field()).isEqualTo("login_code");
    assertThat(api.post("/api/v1/login-links", null, null).status()).isEqualTo(401);
  }

  @Test
  void theScriptBuildsTheDomFromTextOnly() throws Exception {
    String js =
        new String(fetch("/ui/app.js", false).body(), java.nio.charset.StandardCharsets.UTF_8);
    // Data from the API (names, errors, logs) is never parsed as markup or code.
    assertThat(js).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(");
    assertThat(js).doesNotContain("new Function", "document.write", ".cookie");
    // The token travels in a header, never in a URL.
    assertThat(js).doesNotContain("?token=", "&token=", "EventSource(");
  }
}
