package io.ffrtmp.master.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.webjars.WebJarVersionLocator;

/**
 * The web UI: one page and its scripts, styles and chart library, all from the jar ({@code
 * src/main/resources/webroot} and the uPlot WebJar), under a content security policy that lets the
 * page load nothing from anywhere else and run no inline script or style.
 *
 * <p>The page ({@code /}) is revalidated on every load ({@code no-cache}); what it loads lives
 * under {@code /ui/} with a {@code ?v=} of the assets' digest, so those are cached for a year and a
 * new jar's page asks for new URLs. Compression is the server's ({@code Accept-Encoding: gzip}).
 */
final class WebUi {

  /** Nothing from outside the server; no inline or evaluated code; no framing, no form posts. */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none';"
          + " form-action 'none'; frame-ancestors 'none'";

  static final long YEAR_S = 365L * 24 * 3600;

  private final String page;
  private final String uplotVersion;

  private WebUi(String page, String uplotVersion) {
    this.page = page;
    this.uplotVersion = uplotVersion;
  }

  /**
   * Reads the page and the assets' digest from the jar (blocking: call at start, not per request).
   */
  static WebUi load() {
    String uplot = new WebJarVersionLocator().version("uplot");
    if (uplot == null) {
      throw new IllegalStateException("the uPlot WebJar is missing from the class path");
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (String asset : new String[] {"webroot/app.js", "webroot/app.css", "webroot/favicon.svg"}) {
      sha.update(resource(asset));
    }
    sha.update(uplot.getBytes(StandardCharsets.UTF_8));
    String version = HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    String html =
        new String(resource("webroot/index.html"), StandardCharsets.UTF_8)
            .replace("__V__", version);
    return new WebUi(html, uplot);
  }

  private static byte[] resource(String name) {
    try (InputStream in = WebUi.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the web UI's " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Mounts {@code /}, {@code /ui/*} and {@code /ui/vendor/uplot/*} on the API's router. */
  void mount(Router router) {
    Buffer body = Buffer.buffer(page);
    router
        .get("/")
        .handler(
            ctx -> {
              headers(ctx.response())
                  .putHeader("content-type", "text/html; charset=utf-8")
                  .putHeader("cache-control", "no-cache")
                  .end(body);
            });
    router.get("/index.html").handler(ctx -> ctx.redirect("/"));
    router.route("/ui/*").handler(WebUi::securityHeaders);
    router
        .get("/ui/vendor/uplot/*")
        .handler(
            StaticHandler.create("META-INF/resources/webjars/uplot/" + uplotVersion + "/dist")
                .setCachingEnabled(false) // the header above says it; no If-Modified-Since dance
                .setDirectoryListing(false)
                .setIndexPage("none"));
    router
        .get("/ui/*")
        .handler(
            StaticHandler.create("webroot")
                .setCachingEnabled(false) // the header above says it; no If-Modified-Since dance
                .setDirectoryListing(false)
                .setIndexPage("none"));
  }

  /**
   * The page names every asset with the digest of them all ({@code ?v=}), so an asset URL's bytes
   * never change: cached for a year (in place of the API's {@code no-store}).
   */
  private static void securityHeaders(RoutingContext ctx) {
    headers(ctx.response()).putHeader("cache-control", "public, max-age=" + YEAR_S + ", immutable");
    ctx.next();
  }

  static HttpServerResponse headers(HttpServerResponse r) {
    return r.putHeader("content-security-policy", CSP)
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer")
        .putHeader("x-frame-options", "DENY")
        .putHeader("cross-origin-opener-policy", "same-origin")
        .putHeader("cross-origin-resource-policy", "same-origin");
  }
}
