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
import java.util.UUID;

/**
 * Issues and checks the API's JWTs (HS256 with the secret kept in the data directory, or RS256):
 * subject, role, expiry and the id of the API key the token was obtained with, so revoking the key
 * revokes its tokens.
 */
public final class Tokens {

  static final String ISSUER = "ffrtmp";
  static final String AUDIENCE = "ffrtmp-api";

  private final JWTAuth jwt;
  private final String algorithm;
  private final boolean signs;

  /** HS256 with a shared secret (the default: made once in the data directory). */
  public Tokens(Vertx vertx, byte[] secret) {
    this(
        vertx,
        "HS256",
        new PubSecKeyOptions()
            .setAlgorithm("HS256")
            .setBuffer(Buffer.buffer(Base64.getEncoder().encodeToString(secret))));
  }

  private Tokens(Vertx vertx, String algorithm, PubSecKeyOptions... keys) {
    JWTAuthOptions options =
        new JWTAuthOptions()
            .setJWTOptions(new JWTOptions().setIssuer(ISSUER).addAudience(AUDIENCE));
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

  /**
   * RS256: checks with the public key (PEM); signs with the private one (PKCS#8 PEM) when given.
   */
  public static Tokens rs256(Vertx vertx, String publicPem, String privatePem) {
    PubSecKeyOptions pub = new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(publicPem);
    return privatePem == null
        ? new Tokens(vertx, "RS256", pub)
        : new Tokens(
            vertx,
            "RS256",
            pub,
            new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem));
  }

  public JWTAuth auth() {
    return jwt;
  }

  /**
   * A token with a role, valid for {@code ttlMinutes}, tied to the API key {@code keyId}; returns
   * {"token", "role", "subject", "expires_at", "key_id"}.
   */
  public JsonObject issue(String subject, Role role, int ttlMinutes, UUID keyId) {
    String token =
        jwt.generateToken(
            new JsonObject().put("role", role.id()).put("key_id", keyId.toString()),
            new JWTOptions()
                .setAlgorithm(algorithm)
                .setSubject(subject)
                .setIssuer(ISSUER)
                .addAudience(AUDIENCE)
                .setExpiresInMinutes(ttlMinutes));
    return new JsonObject()
        .put("token", token)
        .put("role", role.id())
        .put("subject", subject)
        .put("expires_at", Instant.now().plusSeconds(60L * ttlMinutes).toString())
        .put("key_id", keyId.toString());
  }

  public Future<User> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token));
  }

  /** The role a verified user's token carries; null when it carries none this server knows. */
  public static Role roleOf(User user) {
    return user == null ? null : Role.of(user.principal().getString("role"));
  }

  /** The API key a token was issued for; null when it names none (or not as a UUID). */
  public static UUID keyIdOf(User user) {
    try {
      return user == null || user.principal().getString("key_id") == null
          ? null
          : UUID.fromString(user.principal().getString("key_id"));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * When a checked token expires (its {@code exp}, seconds since the epoch); null when it has no
   * expiry.
   */
  public static Long expiresAtSeconds(User user) {
    // vertx-auth-jwt moves the time claims out of the principal into the user's attributes.
    JsonObject attrs = user.attributes();
    Object exp = attrs.getValue("exp");
    if (exp == null && attrs.getValue("accessToken") instanceof JsonObject token) {
      exp = token.getValue("exp");
    }
    if (exp == null) {
      exp = user.principal().getValue("exp");
    }
    return exp instanceof Number n ? n.longValue() : null;
  }

  public static String subjectOf(User user) {
    return user == null ? "anonymous" : user.principal().getString("sub", "unknown");
  }
}
