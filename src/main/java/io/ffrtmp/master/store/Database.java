package io.ffrtmp.master.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

/**
 * Opens the job store's connection pool, on the embedded server or an external one, and brings the
 * schema up to date.
 */
public final class Database {

  private Database() {}

  /**
   * Parses a {@code postgresql://user:password@host:port/db} URI; the message names the option on
   * failure.
   */
  public static PgConnectOptions parse(String uri) {
    if (uri == null || !(uri.startsWith("postgresql://") || uri.startsWith("postgres://"))) {
      throw new IllegalArgumentException(
          "--db: '"
              + redact(uri)
              + "' is not a PostgreSQL URI; accepted:"
              + " postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE");
    }
    try {
      return PgConnectOptions.fromUri(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--db: '"
              + redact(uri)
              + "' is not a PostgreSQL URI ("
              + e.getMessage()
              + "); accepted: postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE");
    }
  }

  /**
   * Creates the pool and applies migrations. When {@code createDatabase} is set, the database is
   * created first if absent.
   */
  public static Future<Pool> open(Vertx vertx, PgConnectOptions options, boolean createDatabase) {
    options.setCachePreparedStatements(true).setReconnectAttempts(3).setReconnectInterval(500);
    Future<Void> ready = createDatabase ? ensureDatabase(vertx, options) : Future.succeededFuture();
    return ready.compose(
        v -> {
          Pool pool =
              PgBuilder.pool()
                  .with(new PoolOptions().setMaxSize(4).setName("ffrtmp-jobs"))
                  .connectingTo(options)
                  .using(vertx)
                  .build();
          return new Migrations(pool).apply().map(pool).onFailure(e -> pool.close());
        });
  }

  private static Future<Void> ensureDatabase(Vertx vertx, PgConnectOptions options) {
    PgConnectOptions admin = new PgConnectOptions(options.toJson()).setDatabase("postgres");
    Pool pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(1))
            .connectingTo(admin)
            .using(vertx)
            .build();
    String db = options.getDatabase();
    return pool.preparedQuery("SELECT 1 FROM pg_database WHERE datname = $1")
        .execute(Tuple.of(db))
        .compose(
            rows ->
                rows.size() > 0
                    ? Future.<Void>succeededFuture()
                    // Identifiers cannot be bound as parameters; the name is ours (a constant),
                    // never user input.
                    : pool.query("CREATE DATABASE \"" + db.replace("\"", "") + "\"")
                        .execute()
                        .mapEmpty())
        .eventually(pool::close);
  }

  static String redact(String uri) {
    return uri == null ? "" : uri.replaceAll("(//[^:/@]+:)[^@]*@", "$1***@");
  }
}
