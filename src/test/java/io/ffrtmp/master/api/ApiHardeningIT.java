package io.ffrtmp.master.api;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's answers to hostile or sloppy clients, through the real HTTPS server: malformed
 * Authorization headers, tokens without the claims ours carry, revoked keys (here and by another
 * master), expiring tokens on open event streams, per-client caps, slow headers, forwarded
 * addresses and the TLS suites offered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiHardeningIT {

  /** Generous bound for "the server closed it"; the server's own timers are seconds. */
  static final long CLOSED_WITHIN_S = 30;

  @TempDir static Path dir;

  ApiFixture api;

  @BeforeAll
  void up() throws Exception {
    api =
        ApiFixture.storeOnly(
            dir.resolve("shared"),
            c -> c.withRate(100_000, 100_000).withClientCaps(2, 3, 2, List.of()));
  }

  @AfterAll
  void down() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  private String admin() {
    return api.tokens.get(Role.ADMIN);
  }

  /** A new key of a role and a token for it: {key_id, token, key}. */
  private String[] keyAndToken(Role role) throws Exception {
    JsonObject key =
        api.post(
                "/api/v1/keys",
                admin(),
                new JsonObject().put("role", role.id()).put("name", "it " + role.id()).encode())
            .json();
    String token =
        api.post(
                "/api/v1/tokens",
                null,
                new JsonObject().put("api_key", key.getString("key")).encode())
            .json()
            .getString("token");
    return new String[] {key.getString("key_id"), token, key.getString("key")};
  }

  private JWTAuth signer() throws Exception {
    Path file = api.dataDir.resolve("api").resolve(ApiSecrets.JWT_SECRET);
    byte[] secret = Base64.getDecoder().decode(Files.readString(file).trim());
    return new Tokens(api.vertx, secret).auth();
  }

  private static JWTOptions ours(String subject) {
    return new JWTOptions()
        .setIssuer(Tokens.ISSUER)
        .addAudience(Tokens.AUDIENCE)
        .setSubject(subject);
  }

  private static JsonObject claims(String token) {
    return new JsonObject(
        new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private ApiFixture.Response getWithAuthorization(String path, String authorization)
      throws Exception {
    return api.send(api.request(path, null).header("authorization", authorization).GET());
  }

  /** An event stream: its status, and a future completed when the server ends it. */
  private record Stream(int status, InputStream body, CompletableFuture<String> ended) {}

  private Stream open(String path, String token) throws Exception {
    HttpResponse<InputStream> res =
        api.http.send(
            api.request(path, token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    InputStream body = res.body();
    CompletableFuture<String> ended =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(body.readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "closed: " + e;
              }
            });
    return new Stream(res.statusCode(), body, ended);
  }

  private SSLSocket tls(String protocol, String suite) throws Exception {
    SSLSocket s =
        (SSLSocket) api.ssl.getSocketFactory().createSocket("127.0.0.1", api.server.port());
    s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(CLOSED_WITHIN_S));
    if (protocol != null) {
      s.setEnabledProtocols(new String[] {protocol});
    }
    if (suite != null) {
      s.setEnabledCipherSuites(new String[] {suite});
    }
    return s;
  }

  @Test
  void everyMalformedAuthorizationIs401() throws Exception {
    for (String header :
        List.of(
            "Bearer ",
            "Bearer",
            "Bearer  " + admin(),
            "Basic dXNlcjpwYXNz",
            "Token " + admin(),
            "Bearer not-a-jwt",
            "Bearer " + admin() + " extra")) {
      for (String path : List.of("/api/v1/jobs", "/api/v1/openapi.json")) {
        ApiFixture.Response r = getWithAuthorization(path, header);
        assertThat(r.status()).as(path + " with '" + header + "'").isEqualTo(401);
        assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("unauthorized");
        assertThat(r.field()).isEqualTo("Authorization");
      }
    }
    // The scheme is case-blind.
    assertThat(getWithAuthorization("/api/v1/jobs", "bearer " + admin()).status()).isEqualTo(200);
  }

  @Test
  void theRoleIsCheckedBeforeTheParameters() throws Exception {
    ApiFixture.Response viewer =
        api.post("/api/v1/jobs/not-a-uuid/cancel", api.tokens.get(Role.VIEWER), null);
    assertThat(viewer.status()).as(viewer.text()).isEqualTo(403);
    assertThat(api.delete("/api/v1/keys/not-a-uuid", api.tokens.get(Role.OPERATOR)).status())
        .isEqualTo(403);
    ApiFixture.Response operator =
        api.post("/api/v1/jobs/not-a-uuid/cancel", api.tokens.get(Role.OPERATOR), null);
    assertThat(operator.status()).isEqualTo(400);
    assertThat(operator.field()).isEqualTo("job_id");
  }

  @Test
  void tokensWithoutAKnownRoleAnExpiryOrAKeyAreRefusedEverywhere() throws Exception {
    String keyId = claims(admin()).getString("key_id");
    assertThat(keyId).isNotNull();
    long exp = System.currentTimeMillis() / 1000 + 600;
    JWTAuth jwt = signer();
    String noRole =
        jwt.generateToken(new JsonObject().put("key_id", keyId).put("exp", exp), ours("a"));
    String unknownRole =
        jwt.generateToken(
            new JsonObject().put("role", "root").put("key_id", keyId).put("exp", exp), ours("b"));
    String noExp =
        jwt.generateToken(new JsonObject().put("role", "admin").put("key_id", keyId), ours("c"));
    String noKey =
        jwt.generateToken(new JsonObject().put("role", "admin").put("exp", exp), ours("d"));
    assertThat(claims(noExp).containsKey("exp")).isFalse();
    for (String t : List.of(noRole, unknownRole, noExp, noKey)) {
      for (String path : List.of("/api/v1/openapi.json", "/api/v1/jobs")) {
        assertThat(api.get(path, t).status()).as(path + " " + claims(t)).isEqualTo(401);
      }
      assertThat(api.post("/api/v1/tokens", t, "{\"role\": \"viewer\"}").status())
          .as(claims(t).encode())
          .isEqualTo(401);
    }
    String good =
        jwt.generateToken(
            new JsonObject().put("role", "viewer").put("key_id", keyId).put("exp", exp), ours("e"));
    assertThat(api.get("/api/v1/openapi.json", good).status())
        .isEqualTo(200); // the same signer, all claims: accepted
  }

  @Test
  void aRequestedLifetimeIsCappedByTheServers() throws Exception {
    String key = Files.readString(api.server.adminKeyFile(), StandardCharsets.UTF_8).trim();
    ApiFixture.Response r =
        api.post(
            "/api/v1/tokens",
            null,
            new JsonObject().put("api_key", key).put("ttl_minutes", 10_080).encode());
    assertThat(r.status()).isEqualTo(201);
    JsonObject c = claims(r.json().getString("token"));
    assertThat(c.getLong("exp") - c.getLong("iat"))
        .isEqualTo(60L * ApiConfig.DEFAULT_TOKEN_TTL_MINUTES);
    ApiFixture.Response issued =
        api.post(
            "/api/v1/tokens",
            admin(),
            new JsonObject().put("role", "viewer").put("ttl_minutes", 10_080).encode());
    JsonObject ic = claims(issued.json().getString("token"));
    assertThat(ic.getLong("exp") - ic.getLong("iat"))
        .isEqualTo(60L * ApiConfig.DEFAULT_TOKEN_TTL_MINUTES);
    JsonObject shorter =
        claims(
            api.post(
                    "/api/v1/tokens",
                    null,
                    new JsonObject().put("api_key", key).put("ttl_minutes", 5).encode())
                .json()
                .getString("token"));
    assertThat(shorter.getLong("exp") - shorter.getLong("iat")).isEqualTo(300);
  }

  @Test
  void revokingAKeyRevokesItsTokensAndClosesTheirStreams() throws Exception {
    String[] viewer = keyAndToken(Role.VIEWER);
    String[] otherAdmin = keyAndToken(Role.ADMIN);
    String handedOut =
        api.post("/api/v1/tokens", otherAdmin[1], "{\"role\": \"operator\"}")
            .json()
            .getString("token");
    assertThat(api.get("/api/v1/jobs", viewer[1]).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/jobs", handedOut).status()).isEqualTo(200);
    Stream stream = open("/api/v1/events", viewer[1]);
    assertThat(stream.status()).isEqualTo(200);

    assertThat(api.delete("/api/v1/keys/" + viewer[0], admin()).status()).isEqualTo(200);
    assertThat(api.delete("/api/v1/keys/" + otherAdmin[0], admin()).status()).isEqualTo(200);
    ApiFixture.Response refused = api.get("/api/v1/jobs", viewer[1]);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("revoked");
    assertThat(api.get("/api/v1/jobs", handedOut).status())
        .isEqualTo(401); // issued by the revoked admin key
    assertThat(stream.ended().get(CLOSED_WITHIN_S, TimeUnit.SECONDS)).contains("key revoked");
    assertThat(api.get("/api/v1/jobs", admin()).status()).isEqualTo(200);
  }

  @Test
  void aRevocationMadeByAnotherMasterIsSeenWithinTheCacheBound() throws Exception {
    String[] viewer = keyAndToken(Role.VIEWER);
    assertThat(api.get("/api/v1/jobs", viewer[1]).status()).isEqualTo(200);
    Stream stream = open("/api/v1/events", viewer[1]);
    assertThat(stream.status()).isEqualTo(200);
    // Another master on the same database revokes it: this server only sees the row change.
    await(
        api.store
            .pool()
            .preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE id = $1")
            .execute(Tuple.of(UUID.fromString(viewer[0]))),
        30);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSED_WITHIN_S);
    int status = 200;
    while (status == 200 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      status = api.get("/api/v1/jobs", viewer[1]).status();
    }
    assertThat(status).isEqualTo(401);
    assertThat(stream.ended().get(CLOSED_WITHIN_S, TimeUnit.SECONDS)).contains("key revoked");
  }

  @Test
  void anEventStreamEndsWhenItsTokenExpires() throws Exception {
    String keyId = claims(api.tokens.get(Role.VIEWER)).getString("key_id");
    long exp = System.currentTimeMillis() / 1000 + 3;
    JsonObject brief = new JsonObject().put("role", "viewer").put("key_id", keyId).put("exp", exp);
    String shortLived = signer().generateToken(brief, ours("brief"));
    Stream stream = open("/api/v1/events", shortLived);
    assertThat(stream.status()).isEqualTo(200);
    assertThat(stream.ended().get(CLOSED_WITHIN_S, TimeUnit.SECONDS)).contains("token expired");
  }

  @Test
  void eventStreamsAreCappedPerTokenHolder() throws Exception {
    String[] viewer = keyAndToken(Role.VIEWER);
    List<Stream> open = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        open.add(open("/api/v1/events", viewer[1]));
        assertThat(open.get(i).status()).isEqualTo(200);
      }
      // A fresh token for the same key does not buy more streams.
      String again =
          api.post("/api/v1/tokens", null, new JsonObject().put("api_key", viewer[2]).encode())
              .json()
              .getString("token");
      Stream third = open("/api/v1/events", again);
      assertThat(third.status()).isEqualTo(429);
      assertThat(
              new JsonObject(third.ended().get(CLOSED_WITHIN_S, TimeUnit.SECONDS))
                  .getJsonObject("error")
                  .getString("code"))
          .isEqualTo("too_many_streams");
      Stream others =
          open("/api/v1/events", api.tokens.get(Role.OPERATOR)); // someone else is not affected
      open.add(others);
      assertThat(others.status()).isEqualTo(200);
    } finally {
      for (Stream s : open) {
        s.body().close();
      }
    }
  }

  @Test
  void inFlightRequestsAreCappedPerClient() throws Exception {
    List<SSLSocket> holding = new ArrayList<>();
    try {
      for (int i = 0;
          i < 3;
          i++) { // the cap: requests whose headers came but whose bodies never do
        SSLSocket s = tls(null, null);
        holding.add(s);
        OutputStream out = s.getOutputStream();
        out.write(
            ("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + admin()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      ApiFixture.Response r = waitForStatus(429, "/api/v1/jobs");
      assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("too_many_in_flight");
      assertThat(r.headers().firstValue("retry-after")).isPresent();
    } finally {
      for (SSLSocket s : holding) {
        s.close();
      }
    }
    waitForStatus(200, "/api/v1/jobs"); // answered again once the held requests are gone
  }

  private ApiFixture.Response waitForStatus(int wanted, String path) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSED_WITHIN_S);
    ApiFixture.Response r = api.get(path, api.tokens.get(Role.VIEWER));
    while (r.status() != wanted && System.nanoTime() < deadline) {
      Thread.sleep(100);
      r = api.get(path, api.tokens.get(Role.VIEWER));
    }
    assertThat(r.status()).as(r.text()).isEqualTo(wanted);
    return r;
  }

  @Test
  void aConnectionThatNeverCompletesItsHeadersIsClosed() throws Exception {
    try (SSLSocket s = tls(null, null)) {
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /api/v1/jobs HTTP/1.1\r\nHost: loc"
              .getBytes(StandardCharsets.US_ASCII)); // and nothing more
      out.flush();
      int read;
      try {
        read =
            s.getInputStream()
                .read(); // a read timeout (CLOSED_WITHIN_S) would throw and fail the test
      } catch (SocketException e) {
        read = -1; // reset by the server: closed as well
      }
      assertThat(read).isEqualTo(-1);
    }
  }

  @Test
  void onlyForwardSecretAeadSuitesAreOffered() throws Exception {
    for (String weak :
        List.of(
            "TLS_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_AES_256_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384")) {
      try (SSLSocket s = tls("TLSv1.2", weak)) {
        assertThatThrownBy(s::startHandshake).as(weak).isInstanceOf(SSLHandshakeException.class);
      }
    }
    for (String strong :
        List.of(
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")) {
      try (SSLSocket s = tls("TLSv1.2", strong)) {
        s.startHandshake();
        assertThat(s.getSession().getCipherSuite()).isEqualTo(strong);
      }
    }
    try (SSLSocket s = tls("TLSv1.3", null)) {
      s.startHandshake();
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
  }

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnBucket() throws Exception {
    try (ApiFixture proxied =
        ApiFixture.storeOnly(
            dir.resolve("proxied"),
            c -> c.withRate(6, 0.001).withClientCaps(10, 64, 10, List.of("127.0.0.1/32")))) {
      // The fixture's own 5 requests came without X-Forwarded-For: they used the bucket of
      // 127.0.0.1.
      String viewer = proxied.tokens.get(Role.VIEWER);
      List<Integer> first = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        first.add(
            proxied
                .send(
                    proxied
                        .request("/api/v1/jobs", viewer)
                        .header("x-forwarded-for", "203.0.113.1")
                        .GET())
                .status());
      }
      assertThat(first).containsExactly(200, 200, 200, 200, 200, 200, 429);
      // A client writing its own X-Forwarded-For does not escape: the hop the proxy saw is the
      // rightmost.
      assertThat(
              proxied
                  .send(
                      proxied
                          .request("/api/v1/jobs", viewer)
                          .header("x-forwarded-for", "6.6.6.6, 203.0.113.1")
                          .GET())
                  .status())
          .isEqualTo(429);
      assertThat(
              proxied
                  .send(
                      proxied
                          .request("/api/v1/jobs", viewer)
                          .header("x-forwarded-for", "203.0.113.2")
                          .GET())
                  .status())
          .isEqualTo(200);
    }
  }
}
