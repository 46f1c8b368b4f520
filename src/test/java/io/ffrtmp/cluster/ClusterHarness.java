package io.ffrtmp.cluster;

import static io.ffrtmp.support.Await.await;

import io.ffrtmp.master.store.Database;
import io.ffrtmp.master.store.EmbeddedPostgres;
import io.ffrtmp.support.FatJar;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real cluster on 127.0.0.1 for one test class: a PostgreSQL server of its own (so a test may
 * restart it), master and worker nodes as separate JVMs running the fat jar, and this JVM as an
 * event-bus client in the same cluster.
 */
final class ClusterHarness implements AutoCloseable {

  static final Path JAR = FatJar.JAR;

  final Path dir;
  final String clusterName = "t" + UUID.randomUUID().toString().substring(0, 8);
  private final int basePort = 6000 + ThreadLocalRandom.current().nextInt(0, 200) * 20;
  private int nextPort;
  private final List<String> members = new ArrayList<>();
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  EmbeddedPostgres pg;
  String dbUri;
  Pool db;
  Vertx client;

  /** A node process and what it needs to be started again the same way. */
  static final class Node {
    final String name;
    final List<String> args;
    Process process;
    String id;

    Node(String name, List<String> args) {
      this.name = name;
      this.args = args;
    }

    long pid() {
      return process.pid();
    }
  }

  ClusterHarness(Path dir) throws IOException {
    this.dir = dir;
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    for (int i = 0; i < 8; i++) {
      members.add("127.0.0.1:" + (basePort + i));
    }
  }

  /**
   * A PostgreSQL server for the masters, started from the system binaries in a directory of this
   * test's.
   */
  void startDatabase() throws Exception {
    pg = EmbeddedPostgres.start(dir.resolve("pg"));
    dbUri = pg.uri();
    // The masters expect the database to exist, as an operator's external server would have it.
    Vertx v = Vertx.vertx();
    try {
      await(Database.open(v, Database.parse(dbUri), true), 120).close();
    } finally {
      await(v.close(), 30);
    }
  }

  /**
   * Joins the cluster from this JVM, to talk to the nodes over the event bus. Start a master first.
   */
  void joinAsClient() throws Exception {
    client =
        await(
            ClusterSetup.start(
                new ClusterOptions("127.0.0.1", members, basePort + 7, clusterName, 0, null),
                new VertxOptions()),
            120);
    db =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(2))
            .connectingTo(Database.parse(dbUri))
            .using(client)
            .build();
  }

  Node master(String name, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--role", "master", "--db", dbUri, "--port", "0"));
    args.addAll(List.of(extra));
    return start(name, args);
  }

  Node worker(String name, String... extra) throws Exception {
    Path none = Files.createDirectories(dir.resolve("no-sensors"));
    List<String> given = List.of(extra);
    List<String> args = new ArrayList<>(List.of("--role", "worker"));
    // No sensors of this machine unless a test gives a tree of its own.
    Map<String, String> sensors = new LinkedHashMap<>();
    sensors.put("--powercap-root", none.toString());
    sensors.put("--hwmon-root", none.toString());
    sensors.put("--perf-root", none.resolve("power").toString());
    sensors.put("--nvml", "none");
    // Several workers share this host: /metrics off unless a test gives a port of its own.
    sensors.put("--metrics-port", "0");
    sensors.forEach(
        (flag, value) -> {
          if (!given.contains(flag)) {
            args.addAll(List.of(flag, value));
          }
        });
    args.addAll(given);
    return start(name, args);
  }

  private Node start(String name, List<String> roleArgs) throws Exception {
    List<String> args = new ArrayList<>(roleArgs);
    args.addAll(
        List.of(
            "--data-dir",
            dir.resolve(name).toString(),
            "--cluster-host",
            "127.0.0.1",
            "--cluster-port",
            String.valueOf(basePort + nextPort++),
            "--cluster-name",
            clusterName,
            "--join",
            String.join(",", members),
            "--heartbeat-ms",
            "500",
            "--lease-ms",
            "3000",
            "--retry-base-ms",
            "500"));
    Node n = new Node(name, args);
    nodes.put(name, n);
    launch(n);
    return n;
  }

  /**
   * The flags that put a command-line client (bench --join) into this cluster, on a port of its
   * own.
   */
  List<String> clientFlags() {
    return List.of(
        "--cluster-host",
        "127.0.0.1",
        "--cluster-port",
        String.valueOf(basePort + 6),
        "--cluster-name",
        clusterName,
        "--join",
        String.join(",", members));
  }

  /**
   * Runs the jar to completion (e.g. bench --join) and returns its exit code; output in NAME.out /
   * NAME.log.
   */
  int runJar(String name, List<String> args, int timeoutS) throws Exception {
    List<String> cmd = FatJar.command(List.of("-Xmx384m"), args);
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".log").toFile())
            .start();
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          name
              + " did not finish in "
              + timeoutS
              + " s:\n"
              + Files.readString(dir.resolve(name + ".log")));
    }
    return p.exitValue();
  }

  /** Starts (or starts again) the node's process and waits until it says it runs. */
  void launch(Node n) throws Exception {
    List<String> cmd = FatJar.node(n.args);
    Path out = dir.resolve(n.name + ".out");
    Path err = dir.resolve(n.name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
    pb.environment().put("FFRTMP_LOG_LEVEL", "INFO");
    long before = Files.exists(out) ? Files.readString(out).lines().count() : 0;
    n.process = pb.start();
    waitFor(
        Duration.ofSeconds(120),
        () -> {
          try {
            List<String> lines =
                Files.readString(out, StandardCharsets.UTF_8).lines().skip(before).toList();
            for (String l : lines) {
              if (l.contains(" running; stop it")) {
                n.id = l.split(" ")[1];
                return true;
              }
            }
          } catch (IOException e) {
            return false;
          }
          if (!n.process.isAlive()) {
            throw new AssertionError(
                n.name + " exited with " + n.process.exitValue() + ":\n" + log(n));
          }
          return false;
        },
        n.name + " did not start");
  }

  String log(Node n) {
    try {
      return Files.readString(dir.resolve(n.name + ".log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** SIGKILL: no goodbye to the cluster, no reports. */
  void kill(Node n) throws Exception {
    n.process.descendants().forEach(ProcessHandle::destroyForcibly);
    n.process.destroyForcibly().waitFor();
  }

  /** SIGTERM: the node leaves cleanly. */
  void stop(Node n) throws Exception {
    n.process.destroy();
    if (!n.process.waitFor(60, TimeUnit.SECONDS)) {
      n.process.destroyForcibly().waitFor();
    }
  }

  JsonObject request(String address, JsonObject body) throws Exception {
    return await(
            client
                .eventBus()
                .<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(30_000)),
            60)
        .body();
  }

  /**
   * As a client should, per docs/event-bus.md: a request that timed out (it went to a master that
   * died uncleanly, whose consumers the cluster has not dropped yet) is sent again, up to six
   * times. Only for requests that were not taken.
   */
  JsonObject requestRetrying(String address, JsonObject body) throws Exception {
    for (int i = 1; ; i++) {
      try {
        return await(
                client
                    .eventBus()
                    .<JsonObject>request(
                        address, body, new DeliveryOptions().setSendTimeout(10_000)),
                30)
            .body();
      } catch (ReplyException e) {
        boolean unanswered =
            e.failureType() == ReplyFailure.TIMEOUT || e.failureType() == ReplyFailure.NO_HANDLERS;
        if (!unanswered || i == 6) {
          throw e;
        }
      }
    }
  }

  RowSet<Row> sql(String sql, Object... params) throws Exception {
    return await(db.preparedQuery(sql).execute(Tuple.wrap(params)), 30);
  }

  String jobState(String jobId) throws Exception {
    return sql("SELECT state FROM jobs WHERE id = $1", UUID.fromString(jobId))
        .iterator()
        .next()
        .getString("state");
  }

  static void waitFor(Duration limit, BooleanSupplier condition, String what) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(what + " within " + limit.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }

  @Override
  public void close() {
    for (Node n : nodes.values()) {
      if (n.process != null && n.process.isAlive()) {
        try {
          stop(n);
        } catch (Exception e) {
          n.process.destroyForcibly();
        }
      }
    }
    if (client != null) {
      try {
        await(client.close(), 30);
      } catch (Exception e) {
        // closing
      }
    }
    if (pg != null) {
      pg.close();
    }
  }
}
