package io.ffrtmp.master.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Versioned schema migrations, applied at start in order, all in one transaction (all or nothing).
 * An advisory lock keeps two masters starting together on one server from applying the same step
 * twice.
 */
public final class Migrations {

  /** In order; a released file is never edited, a change is a new file. */
  static final List<String> STEPS =
      List.of(
          "V1__jobs.sql",
          "V2__nodes_leases.sql",
          "V3__api.sql",
          "V4__claim_fit.sql",
          "V5__exclusive_column.sql",
          "V6__node_metrics_address.sql",
          "V7__campaign_density.sql",
          "V8__campaign_auto_repeat.sql",
          "V9__node_energy_today.sql");

  private static final long LOCK_KEY = 0x66667274_6d70L; // "ffrtmp"

  private final Pool pool;

  public Migrations(Pool pool) {
    this.pool = pool;
  }

  public Future<Integer> apply() {
    return pool.withTransaction(this::applyLocked);
  }

  private Future<Integer> applyLocked(SqlConnection conn) {
    return conn.preparedQuery("SELECT pg_advisory_xact_lock($1)")
        .execute(Tuple.of(LOCK_KEY))
        // Checked first rather than CREATE ... IF NOT EXISTS, which answers every later start with
        // a server notice.
        .compose(
            r ->
                conn.query("SELECT to_regclass('schema_version') IS NOT NULL AS present").execute())
        .compose(
            rows ->
                rows.iterator().next().getBoolean("present")
                    ? Future.succeededFuture()
                    : conn.query(
                            "CREATE TABLE schema_version (version integer PRIMARY KEY, name text"
                                + " NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
                        .execute()
                        .mapEmpty())
        .compose(
            r -> conn.query("SELECT coalesce(max(version), 0) AS v FROM schema_version").execute())
        .compose(
            rows -> {
              int current = rows.iterator().next().getInteger("v");
              Future<Integer> chain = Future.succeededFuture(current);
              for (int i = current; i < STEPS.size(); i++) {
                int version = i + 1;
                String name = STEPS.get(i);
                chain =
                    chain
                        .compose(v -> conn.query(read(name)).execute())
                        .compose(
                            v ->
                                conn.preparedQuery(
                                        "INSERT INTO schema_version (version, name) VALUES ($1,"
                                            + " $2)")
                                    .execute(Tuple.of(version, name)))
                        .map(version);
              }
              return chain;
            });
  }

  private static String read(String name) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + name)) {
      if (in == null) {
        throw new IllegalStateException("migration missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
