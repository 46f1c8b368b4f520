package io.ffrtmp.master.api;

import io.ffrtmp.job.ExactInt;
import io.ffrtmp.master.store.ApiKeyStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code /api/v1/tokens} and {@code /api/v1/keys}: an API key is exchanged for a token; an admin
 * issues keys (shown once) or tokens for a role, and revokes keys.
 */
final class TokenRoutes {

  private final ApiKeyStore keys;
  private final Tokens tokens;
  private final TokenCheck check;
  private final RevokedKeys revoked;

  /** A week: the longest lifetime a client may ask for, as the contract's maximum says. */
  static final int MAX_TTL_MINUTES = 10_080;

  private final int ttlMinutes;
  private final LoginCodes logins = new LoginCodes();

  TokenRoutes(
      ApiKeyStore keys, Tokens tokens, TokenCheck check, RevokedKeys revoked, int ttlMinutes) {
    this.keys = keys;
    this.tokens = tokens;
    this.check = check;
    this.revoked = revoked;
    this.ttlMinutes = ttlMinutes;
  }

  void mount(RouterBuilder b) {
    b.getRoute("createToken").addHandler(this::createToken);
    b.getRoute("createKey").addHandler(this::createKey);
    b.getRoute("listKeys")
        .addHandler(
            ctx ->
                Reply.with(
                    ctx, keys.list().map(l -> new JsonObject().put("keys", new JsonArray(l)))));
    b.getRoute("revokeKey").addHandler(this::revokeKey);
    b.getRoute("createLoginLink").addHandler(this::createLoginLink);
  }

  /**
   * A single-use code standing for the caller's own role and key, for a login link of the web UI:
   * the link carries it in the fragment (never sent to a server or written to its logs), and the
   * page exchanges it at once.
   */
  private void createLoginLink(RoutingContext ctx) {
    if (!tokens.signs()) {
      notIssuing(ctx);
      return;
    }
    var user = TokenCheck.user(ctx);
    long now = System.currentTimeMillis();
    String code =
        logins.issue(
            Tokens.subjectOf(user),
            Tokens.roleOf(user),
            Tokens.keyIdOf(user),
            Tokens.expiresAtSeconds(user),
            now);
    Reply.json(
        ctx,
        201,
        new JsonObject()
            .put("code", code)
            .put("path", "/#login=" + code)
            .put("expires_at", Instant.ofEpochMilli(now + LoginCodes.TTL_MS).toString()));
  }

  private static void notIssuing(RoutingContext ctx) {
    ApiErrors.send(
        ctx,
        501,
        "not_issuing",
        null,
        "this server only checks tokens (RS256 without a private key); "
            + "get one from the server that holds the key");
  }

  /**
   * With {@code api_key}: that key's token. Without: an admin's bearer token issues one for {@code
   * role}.
   */
  private void createToken(RoutingContext ctx) {
    if (!tokens.signs()) {
      notIssuing(ctx);
      return;
    }
    JsonObject body = ctx.body().asJsonObject();
    // A client may ask for less than the server's --token-ttl, never more.
    int ttl =
        Math.min(
            ExactInt.of(
                body,
                "ttl_minutes",
                "ttl_minutes",
                ttlMinutes,
                1,
                MAX_TTL_MINUTES,
                "1 to " + MAX_TTL_MINUTES + " minutes (capped by the server's --token-ttl)"),
            ttlMinutes);
    String code = body.getString("login_code");
    if (code != null && body.getValue("api_key") != null) {
      ApiErrors.send(ctx, 400, "bad_request", "login_code", "give api_key or login_code, not both");
      return;
    }
    if (code != null) {
      exchange(ctx, code, ttl);
      return;
    }
    String key = body.getString("api_key");
    if (key != null) {
      keys.find(key)
          .onSuccess(
              k -> {
                if (k.isEmpty()) {
                  ApiErrors.send(
                      ctx,
                      401,
                      "unauthorized",
                      "api_key",
                      "not a valid API key (unknown or revoked)");
                  return;
                }
                Reply.json(
                    ctx,
                    201,
                    tokens.issue(k.get().name(), Role.of(k.get().role()), ttl, k.get().id()));
              })
          .onFailure(ctx::fail);
      return;
    }
    String auth = ctx.request().getHeader("authorization");
    if (auth == null) {
      ApiErrors.send(
          ctx,
          401,
          "unauthorized",
          "api_key",
          "give an api_key, or an admin's bearer token with a role");
      return;
    }
    check
        .authenticate(auth)
        .onFailure(ctx::fail)
        .onSuccess(
            user -> {
              if (Tokens.roleOf(user) != Role.ADMIN) {
                ApiErrors.send(
                    ctx, 403, "forbidden", null, "only an admin may issue tokens for others");
                return;
              }
              Role role = Role.of(body.getString("role"));
              if (role == null) {
                ApiErrors.send(
                    ctx,
                    400,
                    "bad_request",
                    "role",
                    "required when issuing a token; accepted: admin, operator, viewer");
                return;
              }
              String name =
                  body.getString("name", role.id() + " (issued by " + Tokens.subjectOf(user) + ")");
              // Tied to the admin's own key: revoking it revokes the tokens it handed out.
              Reply.json(ctx, 201, tokens.issue(name, role, ttl, Tokens.keyIdOf(user)));
            });
  }

  /**
   * A login link's code for a token of the same subject, role and key, living no longer than the
   * token that asked for the link. A revoked key's code yields a token that is refused at once.
   */
  private void exchange(RoutingContext ctx, String code, int ttl) {
    long now = System.currentTimeMillis();
    var grant = logins.take(code, now);
    if (grant.isEmpty()) {
      ApiErrors.send(
          ctx,
          401,
          "unauthorized",
          "login_code",
          "not a valid login code (unknown, used or older than "
              + LoginCodes.TTL_MS / 60_000
              + " minutes): run ffrtmp ui again");
      return;
    }
    LoginCodes.Grant g = grant.get();
    long left = (g.tokenExpiresAtS() * 1000 - now) / 60_000;
    if (left < 1) {
      // Never a token that outlives the one that made the link.
      ApiErrors.send(
          ctx,
          401,
          "unauthorized",
          "login_code",
          "the credential that made this login link expires within a minute: run ffrtmp ui again");
      return;
    }
    Reply.json(ctx, 201, tokens.issue(g.subject(), g.role(), (int) Math.min(ttl, left), g.keyId()));
  }

  private void createKey(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    String key = ApiKeyStore.newKey();
    Future<UUID> added =
        keys.add(key, body.getString("name"), body.getString("role"), Reply.actor(ctx));
    added
        .onSuccess(
            id ->
                Reply.json(
                    ctx,
                    201,
                    new JsonObject()
                        .put("key_id", id.toString())
                        .put("name", body.getString("name"))
                        .put("role", body.getString("role"))
                        .put("key", key)))
        .onFailure(ctx::fail);
  }

  private void revokeKey(RoutingContext ctx) {
    UUID id = Reply.uuid(ctx, "key_id");
    Reply.with(
        ctx,
        keys.revoke(id)
            .map(
                done -> {
                  if (!done) {
                    throw ApiErrors.notFound("key_id", "no live key " + id);
                  }
                  revoked.revokedHere(
                      id); // its tokens are refused, and its event streams closed, from now on
                  return new JsonObject().put("key_id", id.toString()).put("revoked", true);
                }));
  }
}
