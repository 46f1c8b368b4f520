package io.ffrtmp.node;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.micrometer.PrometheusRequestHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The plain HTTP server a worker scrapes from: {@code GET /metrics} in the Prometheus text format,
 * 404 for anything else; with a token ({@code --metrics-token-file}) a scrape without {@code
 * Authorization: Bearer TOKEN} is 401. Masters and standalone nodes serve the same registry on the
 * API server instead.
 */
final class MetricsServer {

  private MetricsServer() {}

  static Future<HttpServer> start(
      Vertx vertx, MetricsEndpoint endpoint, PrometheusMeterRegistry registry) {
    var scrape = PrometheusRequestHandler.create(registry);
    byte[] expected =
        endpoint.token() == null
            ? null
            : ("Bearer " + endpoint.token()).getBytes(StandardCharsets.UTF_8);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(endpoint.bind()).setPort(endpoint.port()))
        .requestHandler(
            req -> {
              if (req.method() == HttpMethod.GET && "/metrics".equals(req.path())) {
                String given = req.getHeader("authorization");
                if (expected != null
                    && (given == null
                        || !MessageDigest.isEqual(
                            expected, given.trim().getBytes(StandardCharsets.UTF_8)))) {
                  req.response()
                      .setStatusCode(401)
                      .putHeader("www-authenticate", "Bearer")
                      .end(
                          "401: this /metrics needs Authorization: Bearer"
                              + " (--metrics-token-file)\n");
                  return;
                }
                scrape.handle(req);
              } else {
                req.response().setStatusCode(404).end("only GET /metrics here\n");
              }
            })
        .listen()
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "--metrics-port: cannot serve /metrics on "
                            + endpoint.bind()
                            + ":"
                            + endpoint.port()
                            + " ("
                            + e.getMessage()
                            + "); choose a free port, or 0 to turn it off",
                        e)));
  }
}
