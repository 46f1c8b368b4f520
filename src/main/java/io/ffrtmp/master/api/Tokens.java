package io.ffrtmp.master.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;
import java.util.Base64;

/** Issues and checks the API's JWTs (HS256 with the secret kept in the data directory): subject, role, expiry. */
public final class Tokens {

  static final String ISSUER = "ffrtmp";
  static final String AUDIENCE = "ffrtmp-api";

  private final JWTAuth jwt;
  private final String algorithm;
  private final boolean signs;

  /** HS256 with a shared secret (the default: made once in the data directory). */
  public Tokens(Vertx vertx, byte[] secret) {
    this(vertx, "HS256", new PubSecKeyOptions().setAlgorithm("HS256")
      .setBuffer(Buffer.buffer(Base64.getEncoder().encodeToString(secret))));
  }

  private Tokens(Vertx vertx, String algorithm, PubSecKeyOptions... keys) {
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIssuer(ISSUER).addAudience(AUDIENCE));
    for (PubSecKeyOptions k : keys) {
      options.addPubSecKey(k);
    }
    this.jwt = JWTAuth.create(vertx, options);
    this.algorithm = algorithm;
    this.signs = "HS256".equals(algorithm) || keys.length > 1;
  }

  /** False on an RS256 server given only the public key: it checks tokens issued elsewhere. */
  public boolean signs() {
    return signs;
  }

  /** RS256: checks with the public key (PEM); signs with the private one (PKCS#8 PEM) when given. */
  public static Tokens rs256(Vertx vertx, String publicPem, String privatePem) {
    PubSecKeyOptions pub = new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(publicPem);
    return privatePem == null ? new Tokens(vertx, "RS256", pub)
      : new Tokens(vertx, "RS256", pub, new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem));
  }

  public JWTAuth auth() {
    return jwt;
  }

  /** A token with a role, valid for {@code ttlMinutes}; returns {"token", "role", "subject", "expires_at"}. */
  public JsonObject issue(String subject, Role role, int ttlMinutes) {
    String token = jwt.generateToken(new JsonObject().put("role", role.id()),
      new JWTOptions().setAlgorithm(algorithm).setSubject(subject).setIssuer(ISSUER).addAudience(AUDIENCE).setExpiresInMinutes(ttlMinutes));
    return new JsonObject().put("token", token).put("role", role.id()).put("subject", subject)
      .put("expires_at", Instant.now().plusSeconds(60L * ttlMinutes).toString());
  }

  public Future<User> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token));
  }

  /** The role a verified user's token carries; null when it carries none this server knows. */
  public static Role roleOf(User user) {
    return user == null ? null : Role.of(user.principal().getString("role"));
  }

  public static String subjectOf(User user) {
    return user == null ? "anonymous" : user.principal().getString("sub", "unknown");
  }
}
