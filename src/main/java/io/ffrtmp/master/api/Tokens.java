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

  public Tokens(Vertx vertx, byte[] secret) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
        .setBuffer(Buffer.buffer(Base64.getEncoder().encodeToString(secret))))
      .setJWTOptions(new JWTOptions().setIssuer(ISSUER).addAudience(AUDIENCE)));
  }

  public JWTAuth auth() {
    return jwt;
  }

  /** A token with a role, valid for {@code ttlMinutes}; returns {"token", "role", "subject", "expires_at"}. */
  public JsonObject issue(String subject, Role role, int ttlMinutes) {
    String token = jwt.generateToken(new JsonObject().put("role", role.id()),
      new JWTOptions().setSubject(subject).setIssuer(ISSUER).addAudience(AUDIENCE).setExpiresInMinutes(ttlMinutes));
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
