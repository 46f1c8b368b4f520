package io.ffrtmp.master.api;

import io.ffrtmp.master.store.ApiKeyStore;
import io.ffrtmp.master.store.JobQueries;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.master.store.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The REST API over HTTPS: routes from the OpenAPI contract (requests validated against it), JWT on every API route
 * with a least role per operation, per-client rate limits, a body size limit, server-sent events, health and
 * readiness probes and a small Prometheus text. {@link #start} is what the standalone and master roles call.
 */
public final class ApiServer {

  private final Vertx vertx;
  private final String deployment;
  private final EventStream events;
  private final List<HttpServer> servers;
  private final Path adminKeyFile;
  private final boolean adminKeyCreated;
  private final Path certificate;
  private final boolean tls;

  private ApiServer(Vertx vertx, String deployment, EventStream events, List<HttpServer> servers, Path adminKeyFile,
                    boolean adminKeyCreated, Path certificate, boolean tls) {
    this.vertx = vertx;
    this.deployment = deployment;
    this.events = events;
    this.servers = servers;
    this.adminKeyFile = adminKeyFile;
    this.adminKeyCreated = adminKeyCreated;
    this.certificate = certificate;
    this.tls = tls;
  }

  /** What start reads or makes in the data directory (blocking). */
  private record Material(byte[] jwtSecret, String jwtPublicPem, String jwtPrivatePem, Path cert, Path key,
                          Path adminKeyFile, String adminKey, boolean adminKeyCreated, int port) {
  }

  public static Future<ApiServer> start(Vertx vertx, ApiConfig config, JobStore store, NodeStore nodes) {
    ApiKeyStore keys = new ApiKeyStore(store.pool());
    JsonObject document = ApiContract.document();
    return vertx.executeBlocking(() -> material(config))
      .compose(m -> keys.known(m.adminKey())
        .compose(known -> known ? Future.succeededFuture() : keys.add(m.adminKey(), "admin", "admin", "first start"))
        .map(m))
      .compose(m -> ApiContract.load(vertx, document).compose(contract -> {
        Tokens tokens = m.jwtPublicPem() != null ? Tokens.rs256(vertx, m.jwtPublicPem(), m.jwtPrivatePem())
          : new Tokens(vertx, m.jwtSecret());
        EventStream events = new EventStream(vertx, new JobQueries(store.pool(), store.settings().maxAttempts()));
        Router router = router(vertx, config, contract, document, tokens, store, nodes, keys, events);
        HttpServerOptions options = new HttpServerOptions().setHost(config.bind()).setPort(m.port())
          .setCompressionSupported(true);
        if (config.tls()) {
          options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(m.cert().toString())
              .setKeyPath(m.key().toString()))
            .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        }
        // One server per core, each on its own event loop; Vert.x shares the port among a deployment's instances.
        List<HttpServer> servers = java.util.Collections.synchronizedList(new ArrayList<>());
        return events.start().compose(v -> vertx.deployVerticle(() -> new Listener(options, router, servers),
            new io.vertx.core.DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors())))
          .map(deployment -> new ApiServer(vertx, deployment, events, List.copyOf(servers), m.adminKeyFile(),
            m.adminKeyCreated(), m.cert(), config.tls()));
      }));
  }

  private static Material material(ApiConfig config) throws Exception {
    Path dir = Files.createDirectories(config.apiDir());
    byte[] secret = ApiSecrets.jwtSecret(dir);
    String publicPem = config.jwtPublicKey() == null ? null : Files.readString(config.jwtPublicKey(), StandardCharsets.US_ASCII);
    String privatePem = config.jwtPrivateKey() == null ? null : Files.readString(config.jwtPrivateKey(), StandardCharsets.US_ASCII);
    Path cert = config.tlsCert();
    Path key = config.tlsKey();
    if (config.tls() && cert == null) {
      Path[] made = ApiSecrets.selfSigned(dir);
      cert = made[0];
      key = made[1];
    }
    Path adminFile = dir.resolve(ApiSecrets.ADMIN_KEY);
    boolean created = !Files.exists(adminFile);
    if (created) {
      ApiSecrets.writePrivate(adminFile, ApiKeyStore.newKey() + "\n");
    }
    String adminKey = Files.readString(adminFile, StandardCharsets.UTF_8).trim();
    int port = config.port() != 0 ? config.port() : freePort(config.bind());
    return new Material(secret, publicPem, privatePem, cert, key, adminFile, adminKey, created, port);
  }

  /** Port 0 (tests, benchmarks): a free port chosen here, since each instance given 0 would pick its own. */
  private static int freePort(String bind) throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(bind))) {
      return s.getLocalPort();
    }
  }

  private static Router router(Vertx vertx, ApiConfig config, OpenAPIContract contract, JsonObject document, Tokens tokens,
                               JobStore store, NodeStore nodes, ApiKeyStore keys, EventStream events) {
    RateLimiter limiter = new RateLimiter(config.rateBurst(), config.ratePerSecond());
    AtomicLongArray responses = new AtomicLongArray(6); // by status class; [0] counts rate-limited answers
    JWTAuthHandler jwt = JWTAuthHandler.create(tokens.auth());
    RouterBuilder b = RouterBuilder.create(vertx, contract, io.vertx.ext.web.openapi.router.RequestExtractor.withBodyHandler())
      .rootHandler((io.vertx.ext.web.handler.PlatformHandler) ctx -> limit(ctx, limiter, responses))
      .rootHandler(BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes()))
      .rootHandler(ApiServer::jsonSyntax)
      .security("bearer").httpHandler(jwt);
    for (OpenAPIRoute route : b.getRoutes()) {
      Object needed = route.getOperation().getExtensions().get("x-ffrtmp-role");
      Role role = Role.of(String.valueOf(needed));
      if (role != null) {
        route.addHandler(ctx -> requireRole(ctx, role));
      }
    }
    JobQueries queries = new JobQueries(store.pool(), store.settings().maxAttempts());
    new JobRoutes(vertx, queries, config.mediaRoots()).mount(b);
    new CampaignRoutes(vertx, store, queries, config.mediaRoots()).mount(b);
    new NodeRoutes(nodes).mount(b);
    new TokenRoutes(keys, tokens, config.tokenTtlMinutes()).mount(b);
    events.mount(b);
    Router router = b.createRouter();

    String docText = document.encode();
    router.get("/api/v1/openapi.json").handler(jwt).handler(ctx -> ctx.response()
      .putHeader("content-type", "application/json").end(docText));
    HealthChecks ready = HealthChecks.create(vertx).register("database", 2000, p -> store.pool().query("SELECT 1").execute()
      .onComplete(ar -> p.complete(ar.succeeded() ? Status.OK() : Status.KO(new JsonObject().put("error",
        String.valueOf(ar.cause()))))));
    if (vertx.isClustered()) {
      ready.register("cluster", 2000, ClusterHealthCheck.createProcedure(vertx));
    }
    HealthChecks live = HealthChecks.create(vertx).register("api", p -> p.complete(Status.OK()));
    if (!config.openProbes()) {
      router.route("/health").handler(jwt);
      router.route("/ready").handler(jwt);
      router.route("/metrics").handler(jwt);
    }
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    router.get("/metrics").handler(ctx -> Metrics.render(store.pool(), responses).onSuccess(text -> ctx.response()
      .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(text)).onFailure(ctx::fail));
    router.route().failureHandler(ApiErrors::handle);
    for (int status : new int[] {404, 405, 413}) {
      router.errorHandler(status, ctx -> ApiErrors.handle(ctx));
    }
    return router;
  }

  private static void limit(RoutingContext ctx, RateLimiter limiter, AtomicLongArray responses) {
    // Answers are data, never pages to run: no sniffing, no caching of what a token could read.
    ctx.response().putHeader("x-content-type-options", "nosniff").putHeader("cache-control", "no-store");
    if (ctx.request().isSSL()) {
      ctx.response().putHeader("strict-transport-security", "max-age=31536000");
    }
    ctx.addEndHandler(v -> responses.incrementAndGet(Math.min(5, Math.max(1, ctx.response().getStatusCode() / 100))));
    String client = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    long waitS = limiter.acquire(client, System.nanoTime());
    if (waitS > 0) {
      responses.incrementAndGet(0);
      ctx.response().putHeader("retry-after", Long.toString(waitS));
      ApiErrors.send(ctx, 429, "rate_limited", null, "too many requests from " + client + "; retry after " + waitS + " s");
      return;
    }
    ctx.next();
  }

  /** Malformed JSON is answered before validation, so the message says what is wrong with it. */
  private static void jsonSyntax(RoutingContext ctx) {
    if (ctx.body() != null && ctx.body().length() > 0) {
      try {
        Object parsed = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
        if (!(parsed instanceof JsonObject)) {
          ApiErrors.send(ctx, 400, "bad_request", "body", "the body must be a JSON object");
          return;
        }
      } catch (io.vertx.core.json.DecodeException e) {
        ApiErrors.send(ctx, 400, "bad_request", "body", "malformed JSON: " + e.getMessage());
        return;
      }
    }
    ctx.next();
  }

  private static void requireRole(RoutingContext ctx, Role needed) {
    Role has = Tokens.roleOf(ctx.user());
    if (has == null) {
      ctx.fail(401);
    } else if (!has.allows(needed)) {
      ApiErrors.send(ctx, 403, "forbidden", null, "this needs the " + needed.id() + " role; the token has " + has.id());
    } else {
      ctx.next();
    }
  }

  public int port() {
    return servers.get(0).actualPort();
  }

  public String url(String host) {
    return (tls ? "https" : "http") + "://" + host + ":" + port();
  }

  /** Where the first admin key is kept (mode 0600). */
  public Path adminKeyFile() {
    return adminKeyFile;
  }

  /** True when this start made the admin key (first start on this data directory). */
  public boolean adminKeyCreated() {
    return adminKeyCreated;
  }

  /** The server's certificate (PEM), which clients on this machine pin; null without TLS. */
  public Path certificate() {
    return certificate;
  }

  /** Stops listening (open event streams end with it). */
  public Future<Void> close() {
    return events.close().eventually(() -> vertx.undeploy(deployment));
  }

  /** One instance of the HTTP server: closed with its verticle. */
  private static final class Listener extends io.vertx.core.VerticleBase {
    private final HttpServerOptions options;
    private final Router router;
    private final List<HttpServer> servers;

    Listener(HttpServerOptions options, Router router, List<HttpServer> servers) {
      this.options = options;
      this.router = router;
      this.servers = servers;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(servers::add);
    }
  }
}
