package io.ffrtmp.master.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one check of a bearer token, run before a request's parameters are validated: the header's
 * form, the signature, the claims every token issued here carries ({@code exp}, {@code key_id}, a
 * known {@code role}), the key not revoked, then the role the operation needs. Any failure of the
 * token itself is 401; too small a role is 403.
 */
final class TokenCheck {

  /** Where a checked request's user is kept in the routing context. */
  static final String USER = "ffrtmp.user";

  private static final Pattern BEARER =
      Pattern.compile(
          "[Bb][Ee][Aa][Rr][Ee][Rr] ([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)");

  private final Tokens tokens;
  private final RevokedKeys revoked;

  TokenCheck(Tokens tokens, RevokedKeys revoked) {
    this.tokens = tokens;
    this.revoked = revoked;
  }

  /**
   * A handler that lets the request go on only with a valid token whose role allows {@code needed}.
   */
  Handler<RoutingContext> require(Role needed) {
    return ctx ->
        authenticate(ctx.request().getHeader("authorization"))
            .onSuccess(
                user -> {
                  Role has = Tokens.roleOf(user);
                  if (!has.allows(needed)) {
                    ApiErrors.send(
                        ctx,
                        403,
                        "forbidden",
                        null,
                        "this needs the " + needed.id() + " role; the token has " + has.id());
                    return;
                  }
                  ctx.put(USER, user);
                  ctx.next();
                })
            .onFailure(ctx::fail);
  }

  /** The user of a checked request; null before (or without) a check. */
  static User user(RoutingContext ctx) {
    return ctx.get(USER);
  }

  /**
   * The token in an {@code Authorization} header, checked; fails with the API error to answer (401,
   * or 503).
   */
  Future<User> authenticate(String authorization) {
    if (authorization == null) {
      return Future.failedFuture(
          unauthorized("a valid bearer token is required (POST /api/v1/tokens with an API key)"));
    }
    Matcher m = BEARER.matcher(authorization);
    if (!m.matches()) {
      return Future.failedFuture(
          unauthorized("the Authorization header must be 'Bearer ' followed by a token"));
    }
    return tokens
        .verify(m.group(1))
        .recover(
            e ->
                Future.failedFuture(
                    unauthorized(
                        "the bearer token is not valid (expired, forged, or not issued here)")))
        .compose(this::claims);
  }

  private Future<User> claims(User user) {
    if (Tokens.expiresAtSeconds(user) == null) {
      return Future.failedFuture(
          unauthorized("the token has no expiry (exp); tokens issued here always have one"));
    }
    if (Tokens.roleOf(user) == null) {
      return Future.failedFuture(unauthorized("the token carries no role this server knows"));
    }
    UUID keyId = Tokens.keyIdOf(user);
    if (keyId == null) {
      return Future.failedFuture(
          unauthorized("the token names no API key (key_id); tokens issued here always do"));
    }
    return revoked
        .isRevoked(keyId)
        .recover(
            e ->
                Future.failedFuture(
                    new ApiErrors.ApiException(
                        503,
                        "unavailable",
                        null,
                        "revoked keys cannot be read from the database; try again later")))
        .compose(
            r ->
                r
                    ? Future.failedFuture(
                        unauthorized("the API key this token was issued for has been revoked"))
                    : Future.succeededFuture(user));
  }

  private static ApiErrors.ApiException unauthorized(String message) {
    return new ApiErrors.ApiException(401, "unauthorized", "Authorization", message);
  }
}
