package io.ffrtmp.master.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * API keys: 32 random bytes shown once, stored as their SHA-256 hash (a fast hash is enough for
 * keys of that entropy; nothing is left to guess by brute force). Keys are exchanged for
 * short-lived tokens.
 */
public final class ApiKeyStore {

  /** The prefix makes a leaked key easy to recognise in logs and scanners. */
  public static final String PREFIX = "ffk_";

  private static final String INSERT =
      "INSERT INTO api_keys (id, name, role, key_hash, created_by) VALUES ($1, $2, $3, $4, $5) "
          + "ON CONFLICT (key_hash) DO NOTHING";
  private static final String FIND =
      "SELECT id, name, role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL";
  private static final String KNOWN = "SELECT 1 FROM api_keys WHERE key_hash = $1";
  private static final String LIST =
      "SELECT id, name, role, created_by, created_at, revoked_at FROM api_keys ORDER BY created_at";
  private static final String REVOKED = "SELECT id FROM api_keys WHERE revoked_at IS NOT NULL";
  private static final String REVOKE =
      "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;

  public ApiKeyStore(Pool pool) {
    this.pool = pool;
  }

  /** A key as stored: who it belongs to and which role it grants. */
  public record ApiKey(UUID id, String name, String role) {}

  /** A new random key (not stored yet). */
  public static String newKey() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * Stores a key's hash; the returned id names it in listings. A key already stored is left as it
   * is.
   */
  public Future<UUID> add(String key, String name, String role, String createdBy) {
    UUID id = UUID.randomUUID();
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(id, name, role, hash(key), createdBy))
        .map(id);
  }

  /** Whether this key was ever stored (revoked or not). */
  public Future<Boolean> known(String key) {
    return pool.preparedQuery(KNOWN).execute(Tuple.of(hash(key))).map(rows -> rows.size() > 0);
  }

  /** The live key this text is, if any. */
  public Future<Optional<ApiKey>> find(String key) {
    return pool.preparedQuery(FIND)
        .execute(Tuple.of(hash(key)))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new ApiKey(r.getUUID("id"), r.getString("name"), r.getString("role")));
            });
  }

  public Future<List<JsonObject>> list() {
    return pool.preparedQuery(LIST)
        .execute()
        .map(
            rows -> {
              List<JsonObject> out = new ArrayList<>();
              rows.forEach(
                  r ->
                      out.add(
                          new JsonObject()
                              .put("key_id", r.getUUID("id").toString())
                              .put("name", r.getString("name"))
                              .put("role", r.getString("role"))
                              .put("created_by", r.getString("created_by"))
                              .put("created_at", r.getOffsetDateTime("created_at").toString())
                              .put(
                                  "revoked_at",
                                  r.getOffsetDateTime("revoked_at") == null
                                      ? null
                                      : r.getOffsetDateTime("revoked_at").toString())));
              return out;
            });
  }

  /** True when a live key was revoked. */
  public Future<Boolean> revoke(UUID id) {
    return pool.preparedQuery(REVOKE).execute(Tuple.of(id)).map(rows -> rows.size() > 0);
  }

  /**
   * The ids of every revoked key (few: keys are revoked by hand), for the API's revocation cache.
   */
  public Future<Set<UUID>> revokedIds() {
    return pool.preparedQuery(REVOKED)
        .execute()
        .map(
            rows -> {
              Set<UUID> out = new HashSet<>();
              rows.forEach(r -> out.add(r.getUUID("id")));
              return out;
            });
  }

  static Buffer hash(String key) {
    try {
      return Buffer.buffer(
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
