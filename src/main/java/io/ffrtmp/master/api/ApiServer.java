package io.ffrtmp.master.api;

import io.ffrtmp.job.SpecException;
import io.ffrtmp.job.StrictJson;
import io.ffrtmp.master.store.ApiKeyStore;
import io.ffrtmp.master.store.JobQueries;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.master.store.NodeStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The REST API over HTTPS: routes from the OpenAPI contract (requests validated against it), JWT on
 * every API route with a least role per operation, per-client rate limits, a body size limit,
 * server-sent events, health and readiness probes and the node's Prometheus scrape. {@link #start}
 * is what the standalone and master roles call.
 */
public final class ApiServer {

  /**
   * TLS 1.3, and TLS 1.2 with forward secrecy (ECDHE) and AEAD ciphers only: no static RSA key
   * exchange, no CBC, no SHA-1 MACs. Either an RSA or an ECDSA certificate works.
   */
  static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final Vertx vertx;
  private final String deployment;
  private final EventStream events;
  private final RevokedKeys revoked;
  private final ApiMeters meters;
  private final List<HttpServer> servers;
  private final Path adminKeyFile;
  private final boolean adminKeyCreated;
  private final Path certificate;
  private final boolean tls;

  private ApiServer(
      Vertx vertx,
      String deployment,
      EventStream events,
      RevokedKeys revoked,
      ApiMeters meters,
      List<HttpServer> servers,
      Path adminKeyFile,
      boolean adminKeyCreated,
      Path certificate,
      boolean tls) {
    this.vertx = vertx;
    this.deployment = deployment;
    this.events = events;
    this.revoked = revoked;
    this.meters = meters;
    this.servers = servers;
    this.adminKeyFile = adminKeyFile;
    this.adminKeyCreated = adminKeyCreated;
    this.certificate = certificate;
    this.tls = tls;
  }

  /** What start reads or makes in the data directory (blocking). */
  private record Material(
      byte[] jwtSecret,
      String jwtPublicPem,
      String jwtPrivatePem,
      Path cert,
      Path key,
      Path adminKeyFile,
      String adminKey,
      boolean adminKeyCreated,
      int port,
      String advertisedHost,
      WebUi ui) {}

  /**
   * {@code registry}: the node's, served as {@code /metrics} with the API's own meters added (see
   * {@link ApiMeters}).
   */
  public static Future<ApiServer> start(
      Vertx vertx,
      ApiConfig config,
      JobStore store,
      NodeStore nodes,
      PrometheusMeterRegistry registry) {
    return start(vertx, config, store, nodes, registry, MetricsAccess.DEFAULT);
  }

  /** {@code access}: how {@code /metrics} and {@code /metrics/targets} name and guard this node. */
  public static Future<ApiServer> start(
      Vertx vertx,
      ApiConfig config,
      JobStore store,
      NodeStore nodes,
      PrometheusMeterRegistry registry,
      MetricsAccess access) {
    ApiKeyStore keys = new ApiKeyStore(store.pool());
    ApiMeters meters = new ApiMeters(vertx, registry, store.pool(), nodes);
    RevokedKeys revoked = new RevokedKeys(vertx, keys, RevokedKeys.DEFAULT_TTL_MS);
    JsonObject document = ApiContract.document();
    return vertx
        .executeBlocking(() -> material(config))
        .compose(
            m ->
                keys.known(m.adminKey())
                    .compose(
                        known ->
                            known
                                ? Future.succeededFuture()
                                : keys.add(m.adminKey(), "admin", "admin", "first start"))
                    .compose(v -> revoked.start())
                    .compose(v -> meters.start())
                    .map(m))
        .compose(
            m ->
                ApiContract.load(vertx, document)
                    .compose(
                        contract -> {
                          Tokens tokens =
                              m.jwtPublicPem() != null
                                  ? Tokens.rs256(vertx, m.jwtPublicPem(), m.jwtPrivatePem())
                                  : new Tokens(vertx, m.jwtSecret());
                          JobQueries streamQueries = JobQueries.of(store);
                          EventStream events =
                              new EventStream(
                                  vertx, streamQueries, revoked, config.maxStreamsPerToken());
                          Router router =
                              router(
                                  vertx,
                                  config,
                                  contract,
                                  document,
                                  tokens,
                                  revoked,
                                  store,
                                  nodes,
                                  keys,
                                  events,
                                  meters,
                                  registry,
                                  access,
                                  MetricsTargets.hostPort(m.advertisedHost(), m.port()),
                                  m.ui());
                          HttpServerOptions options =
                              new HttpServerOptions()
                                  .setHost(config.bind())
                                  .setPort(m.port())
                                  .setCompressionSupported(true);
                          if (config.tls()) {
                            options
                                .setSsl(true)
                                .setKeyCertOptions(
                                    new PemKeyCertOptions()
                                        .setCertPath(m.cert().toString())
                                        .setKeyPath(m.key().toString()))
                                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
                            CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
                          }
                          // One server per core, each on its own event loop; Vert.x shares the port
                          // among a deployment's instances.
                          List<HttpServer> servers =
                              Collections.synchronizedList(new ArrayList<>());
                          long headerTimeoutMs = config.headerTimeoutS() * 1000L;
                          return events
                              .start()
                              .compose(
                                  v ->
                                      vertx.deployVerticle(
                                          () ->
                                              new Listener(
                                                  options, router, servers, headerTimeoutMs),
                                          new DeploymentOptions()
                                              .setInstances(
                                                  Runtime.getRuntime().availableProcessors())))
                              .map(
                                  deployment ->
                                      new ApiServer(
                                          vertx,
                                          deployment,
                                          events,
                                          revoked,
                                          meters,
                                          List.copyOf(servers),
                                          m.adminKeyFile(),
                                          m.adminKeyCreated(),
                                          m.cert(),
                                          config.tls()));
                        }))
        .onFailure(
            e -> {
              revoked.close();
              meters.close();
            });
  }

  private static Material material(ApiConfig config) throws Exception {
    Path dir = Files.createDirectories(config.apiDir());
    byte[] secret = ApiSecrets.jwtSecret(dir);
    String publicPem =
        config.jwtPublicKey() == null
            ? null
            : Files.readString(config.jwtPublicKey(), StandardCharsets.US_ASCII);
    String privatePem =
        config.jwtPrivateKey() == null
            ? null
            : Files.readString(config.jwtPrivateKey(), StandardCharsets.US_ASCII);
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
    return new Material(
        secret,
        publicPem,
        privatePem,
        cert,
        key,
        adminFile,
        adminKey,
        created,
        port,
        advertised(config.bind()),
        WebUi.load());
  }

  /**
   * The host service discovery names for this API: the bind address, or this machine's name when it
   * binds every address (blocking: a name lookup).
   */
  static String advertised(String bind) {
    if (!bind.isEmpty() && !bind.equals("0.0.0.0") && !bind.equals("::") && !bind.equals("[::]")) {
      return bind;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /**
   * Port 0 (tests, benchmarks): a free port chosen here, since each instance given 0 would pick its
   * own.
   */
  private static int freePort(String bind) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(bind))) {
      return s.getLocalPort();
    }
  }

  private static Router router(
      Vertx vertx,
      ApiConfig config,
      OpenAPIContract contract,
      JsonObject document,
      Tokens tokens,
      RevokedKeys revoked,
      JobStore store,
      NodeStore nodes,
      ApiKeyStore keys,
      EventStream events,
      ApiMeters meters,
      PrometheusMeterRegistry registry,
      MetricsAccess access,
      String self,
      WebUi ui) {
    RateLimiter limiter = new RateLimiter(config.rateBurst(), config.ratePerSecond());
    InFlight inFlight = new InFlight(config.maxInFlight());
    TrustedProxies proxies = new TrustedProxies(config.trustProxies());
    TokenCheck check = new TokenCheck(tokens, revoked);
    RequestExtractor extractor = RequestExtractor.withBodyHandler();
    RequestValidator validator = RequestValidator.create(vertx, contract);
    RouterBuilder b =
        RouterBuilder.create(vertx, contract, extractor)
            .rootHandler((PlatformHandler) ctx -> limit(ctx, proxies, limiter, inFlight, meters))
            .rootHandler(BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes()))
            .rootHandler(ApiServer::jsonSyntax);
    for (OpenAPIRoute route : b.getRoutes()) {
      Object needed = route.getOperation().getExtensions().get("x-ffrtmp-role");
      Role role = Role.of(String.valueOf(needed));
      if (role != null) {
        // The token and its role first, then the parameters: a viewer's cancel of a malformed id is
        // 403, not 400.
        route
            .setDoSecurity(false)
            .setDoValidation(false)
            .addHandler(check.require(role))
            .addHandler(validate(extractor, validator, route.getOperation()));
      }
    }
    JobQueries queries = JobQueries.of(store);
    new JobRoutes(vertx, queries, config.mediaRoots(), config.liveHosts()).mount(b);
    new CampaignRoutes(
            vertx,
            store,
            queries,
            config.mediaRoots(),
            config.liveHosts(),
            config.maxCampaignJobs())
        .mount(b);
    new NodeRoutes(nodes).mount(b);
    new TokenRoutes(keys, tokens, check, revoked, config.tokenTtlMinutes()).mount(b);
    events.mount(b);
    Router router = b.createRouter();

    String docText = document.encode();
    router
        .get("/api/v1/openapi.json")
        .handler(check.require(Role.VIEWER))
        .handler(ctx -> ctx.response().putHeader("content-type", "application/json").end(docText));
    // A reason code only: an exception's text could name hosts, users or paths of the database.
    HealthChecks ready =
        HealthChecks.create(vertx)
            .register(
                "database",
                2000,
                p ->
                    store
                        .pool()
                        .query("SELECT 1")
                        .execute()
                        .onComplete(
                            ar ->
                                p.complete(
                                    ar.succeeded()
                                        ? Status.OK()
                                        : Status.KO(
                                            new JsonObject()
                                                .put("reason", "database_unreachable")))));
    if (vertx.isClustered()) {
      ready.register("cluster", 2000, ClusterHealthCheck.createProcedure(vertx));
    }
    HealthChecks live = HealthChecks.create(vertx).register("api", p -> p.complete(Status.OK()));
    if (!config.openProbes()) {
      for (String probe : new String[] {"/health", "/ready"}) {
        router.route(probe).handler(check.require(Role.VIEWER));
      }
    }
    if (!config.openProbes() || access.token() != null) {
      Handler<RoutingContext> guard = scrapeGuard(access.token(), check.require(Role.VIEWER));
      router.route("/metrics").handler(guard);
      router.route("/metrics/targets").handler(guard);
    }
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router
        .get("/metrics/targets")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "application/json")
                    .end(
                        MetricsTargets.groups(meters.targets(), access, self, config.tls())
                            .encode()));
    ui.mount(router);
    router.route().failureHandler(ApiErrors::handle);
    for (int status : new int[] {404, 405, 413}) {
      router.errorHandler(status, ctx -> ApiErrors.handle(ctx));
    }
    return router;
  }

  /**
   * The scrape endpoints' door: the static metrics token ({@code Authorization: Bearer}, compared
   * in constant time) lets a scraper in; anything else goes through the JWT check.
   */
  private static Handler<RoutingContext> scrapeGuard(String token, Handler<RoutingContext> jwt) {
    if (token == null) {
      return jwt;
    }
    byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    return ctx -> {
      String given = ctx.request().getHeader("authorization");
      if (given != null
          && MessageDigest.isEqual(expected, given.trim().getBytes(StandardCharsets.UTF_8))) {
        ctx.next();
      } else {
        jwt.handle(ctx);
      }
    };
  }

  /**
   * What the router builder's own validation does, mounted by hand so that it runs after the token
   * check.
   */
  private static Handler<RoutingContext> validate(
      RequestExtractor extractor, RequestValidator validator, Operation op) {
    return ctx ->
        extractor
            .extractValidatableRequest(ctx, op)
            .compose(request -> validator.validate(request, op.getOperationId()))
            .onSuccess(
                valid -> {
                  ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, valid);
                  ctx.next();
                })
            .onFailure(
                e ->
                    ctx.fail(
                        e instanceof ValidatorException
                            ? new HttpException(400, e.getMessage(), e)
                            : e));
  }

  private static void limit(
      RoutingContext ctx,
      TrustedProxies proxies,
      RateLimiter limiter,
      InFlight inFlight,
      ApiMeters meters) {
    // Answers are data, never pages to run: no sniffing, no caching of what a token could read.
    ctx.response()
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("cache-control", "no-store");
    if (ctx.request().isSSL()) {
      ctx.response().putHeader("strict-transport-security", "max-age=31536000");
    }
    ctx.addEndHandler(v -> meters.answered(ctx.response().getStatusCode()));
    String peer =
        ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    String found = proxies.client(peer, ctx.request().headers().getAll("x-forwarded-for"));
    String client = found == null ? "unknown" : found;
    long waitS = limiter.acquire(client, System.nanoTime());
    if (waitS > 0) {
      meters.rateLimited();
      ctx.response().putHeader("retry-after", Long.toString(waitS));
      ApiErrors.send(
          ctx,
          429,
          "rate_limited",
          null,
          "too many requests from " + client + "; retry after " + waitS + " s");
      return;
    }
    // Event streams stay open by design and have their own cap (per token): they are not counted
    // here.
    if (!ctx.normalizedPath().endsWith("/events")) {
      if (!inFlight.acquire(client)) {
        meters.rateLimited();
        ctx.response().putHeader("retry-after", "1");
        ApiErrors.send(
            ctx,
            429,
            "too_many_in_flight",
            null,
            "too many unanswered requests from "
                + client
                + " (--max-in-flight); wait for an answer first");
        return;
      }
      ctx.addEndHandler(v -> inFlight.release(client));
    }
    ctx.next();
  }

  /**
   * Every body is read strictly before anything else looks at it: malformed JSON, comments and
   * duplicate keys are answered here, naming where, since Vert.x's own decoding (the contract's,
   * {@code ctx.body().asJsonObject()}) would accept comments and keep the last duplicate.
   */
  private static void jsonSyntax(RoutingContext ctx) {
    if (ctx.body() != null && ctx.body().length() > 0) {
      Object parsed;
      try {
        parsed = StrictJson.parse(ctx.body().buffer().getBytes());
      } catch (SpecException e) {
        String field = e.field() == null || e.field().isEmpty() ? "body" : e.field();
        ApiErrors.send(ctx, 400, "bad_request", field, e.getMessage());
        return;
      }
      if (!(parsed instanceof JsonObject)) {
        ApiErrors.send(ctx, 400, "bad_request", "body", "the body must be a JSON object");
        return;
      }
    }
    ctx.next();
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
    revoked.close();
    meters.close();
    return events.close().eventually(() -> vertx.undeploy(deployment));
  }

  /**
   * One instance of the HTTP server: closed with its verticle. A connection must complete its
   * request headers within the header timeout of opening, and of each answer: a client trickling
   * header bytes cannot hold a connection.
   */
  private static final class Listener extends VerticleBase {
    private final HttpServerOptions options;
    private final Router router;
    private final List<HttpServer> servers;
    private final long headerTimeoutMs;
    private final Map<HttpConnection, Long> waitingForHeaders =
        new HashMap<>(); // this instance's event loop only

    Listener(
        HttpServerOptions options, Router router, List<HttpServer> servers, long headerTimeoutMs) {
      this.options = options;
      this.router = router;
      this.servers = servers;
      this.headerTimeoutMs = headerTimeoutMs;
    }

    @Override
    public Future<?> start() {
      return vertx
          .createHttpServer(options)
          .connectionHandler(
              conn -> {
                awaitHeaders(conn);
                conn.closeHandler(v -> headersCame(conn));
              })
          .requestHandler(
              req -> {
                HttpConnection conn = req.connection();
                headersCame(conn);
                req.response()
                    .endHandler(
                        v ->
                            awaitHeaders(
                                conn)); // keep-alive: the next request's headers are due too
                router.handle(req);
              })
          .listen()
          .onSuccess(servers::add);
    }

    private void awaitHeaders(HttpConnection conn) {
      headersCame(conn);
      waitingForHeaders.put(
          conn,
          vertx.setTimer(
              headerTimeoutMs,
              t -> {
                waitingForHeaders.remove(conn);
                conn.close();
              }));
    }

    private void headersCame(HttpConnection conn) {
      Long timer = waitingForHeaders.remove(conn);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
    }
  }
}
