package io.ffrtmp.node;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.micrometer.PrometheusRequestHandler;

/**
 * The plain HTTP server a worker scrapes from: {@code GET /metrics} in the Prometheus text format,
 * 404 for anything else. Masters and standalone nodes serve the same registry on the API server
 * instead.
 */
final class MetricsServer {

  private MetricsServer() {}

  static Future<HttpServer> start(
      Vertx vertx, MetricsEndpoint endpoint, PrometheusMeterRegistry registry) {
    var scrape = PrometheusRequestHandler.create(registry);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(endpoint.bind()).setPort(endpoint.port()))
        .requestHandler(
            req -> {
              if (req.method() == HttpMethod.GET && "/metrics".equals(req.path())) {
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
