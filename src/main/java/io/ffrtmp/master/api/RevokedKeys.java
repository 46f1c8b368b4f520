package io.ffrtmp.master.api;

import io.ffrtmp.master.store.ApiKeyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The revoked API keys, cached for at most {@code ttlMs}: a token is checked against this set on
 * every request. A revocation on this server is seen at once; one made by another master on the
 * same database within {@code ttlMs} (the set is reloaded before a request is answered from a set
 * older than that, and every {@code ttlMs} while idle, so open event streams of a key revoked
 * elsewhere are closed too). Thread-safe: the API runs on several event loops.
 */
final class RevokedKeys {

  static final long DEFAULT_TTL_MS = 5_000;

  private final Vertx vertx;
  private final ApiKeyStore keys;
  private final long ttlMs;
  private final List<Consumer<UUID>> listeners = new CopyOnWriteArrayList<>();
  private volatile Set<UUID> revoked = Set.of();
  private volatile boolean loaded;
  private volatile long loadedAtNanos;
  private Future<Set<UUID>> loading;
  private long timer = -1;

  RevokedKeys(Vertx vertx, ApiKeyStore keys, long ttlMs) {
    this.vertx = vertx;
    this.keys = keys;
    this.ttlMs = ttlMs;
  }

  Future<Void> start() {
    timer = vertx.setPeriodic(ttlMs, t -> reload());
    return reload().mapEmpty();
  }

  void close() {
    vertx.cancelTimer(timer);
  }

  /** Called with each key id newly seen revoked (here or, after a reload, by another master). */
  void onRevoked(Consumer<UUID> listener) {
    listeners.add(listener);
  }

  /**
   * Whether the key is revoked, from a set at most {@code ttlMs} old; fails when the database
   * cannot be read.
   */
  Future<Boolean> isRevoked(UUID keyId) {
    if (loaded && System.nanoTime() - loadedAtNanos <= ttlMs * 1_000_000) {
      return Future.succeededFuture(revoked.contains(keyId));
    }
    return reload().map(set -> set.contains(keyId));
  }

  /**
   * A revocation made through this server: effective here before the answer to the DELETE is sent.
   */
  void revokedHere(UUID keyId) {
    synchronized (this) {
      if (revoked.contains(keyId)) {
        return;
      }
      Set<UUID> next = new HashSet<>(revoked);
      next.add(keyId);
      revoked = Set.copyOf(next);
    }
    listeners.forEach(l -> l.accept(keyId));
  }

  /** One load at a time; concurrent callers share it. */
  private synchronized Future<Set<UUID>> reload() {
    if (loading != null) {
      return loading;
    }
    long started = System.nanoTime();
    Future<Set<UUID>> f =
        keys.revokedIds()
            .map(
                inDatabase -> {
                  Set<UUID> fresh = new HashSet<>();
                  synchronized (this) {
                    fresh.addAll(inDatabase);
                    fresh.removeAll(revoked);
                    Set<UUID> next = new HashSet<>(inDatabase);
                    next.addAll(revoked); // a key is never un-revoked
                    revoked = Set.copyOf(next);
                    loadedAtNanos = started;
                    loaded = true;
                  }
                  fresh.forEach(id -> listeners.forEach(l -> l.accept(id)));
                  return revoked;
                });
    loading = f;
    f.onComplete(
        ar -> {
          synchronized (this) {
            loading = null;
          }
        });
    return f;
  }
}
