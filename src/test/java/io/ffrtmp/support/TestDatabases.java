package io.ffrtmp.support;

import io.ffrtmp.master.store.Database;
import io.ffrtmp.master.store.EmbeddedPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The PostgreSQL servers the store tests run against: the embedded one (always; started once per
 * test JVM) and the external server named by {@code FFRTMP_TEST_DB} (set by .ci/run when
 * 127.0.0.1:5432 answers). Each test class gets a fresh database of its own on each.
 */
public final class TestDatabases {

  private static EmbeddedPostgres embedded;

  private TestDatabases() {}

  /**
   * Names of the servers to test against: "embedded", and "external" when FFRTMP_TEST_DB is set.
   */
  public static List<String> servers() {
    List<String> s = new ArrayList<>(List.of("embedded"));
    if (externalUri() != null) {
      s.add("external");
    }
    return s;
  }

  public static String externalUri() {
    String v = System.getenv("FFRTMP_TEST_DB");
    return v == null || v.isBlank() ? null : v;
  }

  public static synchronized String embeddedUri() throws Exception {
    if (embedded == null) {
      Path dir = Files.createTempDirectory("ffrtmp-test-pg");
      embedded = EmbeddedPostgres.start(dir);
      Runtime.getRuntime().addShutdownHook(new Thread(embedded::close));
    }
    return embedded.uri();
  }

  /** Connection options for a fresh, empty database on the named server. */
  public static PgConnectOptions fresh(String server) throws Exception {
    String uri = server.equals("external") ? externalUri() : embeddedUri();
    if (uri == null) {
      throw new IllegalStateException(
          "FFRTMP_TEST_DB is not set; it names the external PostgreSQL, e.g. "
              + "postgresql://postgres@127.0.0.1:5432/ffrtmp_test");
    }
    return Database.parse(uri)
        .setDatabase("ffrtmp_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
  }

  /** Opens a pool on a fresh database with migrations applied. */
  public static Future<Pool> open(Vertx vertx, String server) {
    try {
      return Database.open(vertx, fresh(server), true);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }
}
