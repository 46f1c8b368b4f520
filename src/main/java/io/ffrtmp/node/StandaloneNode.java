package io.ffrtmp.node;

import static io.ffrtmp.node.Blocking.await;

import io.ffrtmp.hardware.HardwareProbe;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.live.RtmpServer;
import io.ffrtmp.master.MasterMeters;
import io.ffrtmp.master.MasterVerticle;
import io.ffrtmp.master.dispatch.Housekeeping;
import io.ffrtmp.master.store.Database;
import io.ffrtmp.master.store.EmbeddedPostgres;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.worker.WorkerConfig;
import io.ffrtmp.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

/**
 * Master and worker in one JVM without clustering, on the embedded PostgreSQL (or {@code --db}):
 * what {@code bench} and {@code --role standalone} run. The verticles are the ones a cluster runs.
 * {@link #close} undoes {@link #start} in reverse.
 */
public final class StandaloneNode implements AutoCloseable {

  private final Vertx vertx;
  private final EmbeddedPostgres embedded;
  private final Pool pool;
  private final JobStore store;
  private final WorkerVerticle worker;
  private final String nodeId;
  private final NodeMetrics metrics;
  private NodeIdentity identity;
  private RtmpServer rtmp;

  private StandaloneNode(
      Vertx vertx,
      EmbeddedPostgres embedded,
      Pool pool,
      JobStore store,
      WorkerVerticle worker,
      String nodeId,
      NodeMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.embedded = embedded;
    this.pool = pool;
    this.store = store; // the one the master records into, so the API's cancels are metered too
    this.worker = worker;
    this.nodeId = nodeId;
  }

  /** Blocking: call from a plain thread (the CLI's main thread), never from an event loop. */
  public static StandaloneNode start(NodeConfig config) throws Exception {
    NodeIdentity identity = NodeIdentity.acquire(config.dataDir());
    String nodeId = identity.id();
    EmbeddedPostgres embedded = null;
    PgConnectOptions db;
    try {
      if (config.dbUri() == null) {
        embedded = EmbeddedPostgres.start(config.dataDir());
        db = Database.parse(embedded.uri());
      } else {
        db = Database.parse(config.dbUri());
      }
    } catch (Exception e) {
      identity.close();
      throw e;
    }
    RtmpServer rtmp = null;
    if (config.rtmp().embedded()) {
      try {
        rtmp = RtmpServer.start(config.dataDir(), config.rtmp());
      } catch (Exception e) {
        if (embedded != null) {
          embedded.close();
        }
        identity.close();
        throw e;
      }
    }
    NodeMetrics metrics = new NodeMetrics();
    Vertx vertx =
        Vertx.builder()
            .with(metrics.options(new VertxOptions()))
            .withMetrics(metrics.factory())
            .build();
    try {
      Pool pool = await(Database.open(vertx, db, embedded != null), 120);
      JobStore store = new JobStore(pool);
      WorkerConfig wc =
          new WorkerConfig(
                  nodeId,
                  config.dataDir().resolve("work"),
                  config.dataDir().resolve("output"),
                  config.ffmpeg(),
                  config.power(),
                  5000,
                  config.slots(),
                  config.mediaRoots())
              .withLive(config.rtmp().applicationUrl(), config.workerLiveHosts())
              .withQuality(config.qualityFfmpeg(), config.vmafModel());
      // Its /metrics is the API server's: the worker has no endpoint of its own to advertise.
      WorkerVerticle worker = new WorkerVerticle(wc, metrics.registry(), null);
      PowerMetrics.register(
          metrics.registry(),
          worker::meter,
          nodeId,
          "standalone",
          HardwareProbe.procOnly(config.power().procRoot()).cpu());
      Housekeeping housekeeping = new Housekeeping(store, db, "standalone-" + nodeId);
      MasterMeters masterMeters = new MasterMeters(metrics.registry(), store, housekeeping::leader);
      await(vertx.deployVerticle(new MasterVerticle(store, Campaign.MAX_JOBS, masterMeters)), 60);
      await(vertx.deployVerticle(housekeeping), 60);
      await(vertx.deployVerticle(worker), 120);
      StandaloneNode node =
          new StandaloneNode(vertx, embedded, pool, store, worker, nodeId, metrics);
      node.identity = identity;
      node.rtmp = rtmp;
      return node;
    } catch (Exception e) {
      closeQuietly(vertx);
      metrics.close();
      if (rtmp != null) {
        rtmp.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      identity.close();
      throw e;
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  public JobStore store() {
    return store;
  }

  public WorkerVerticle worker() {
    return worker;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The embedded RTMP server ({@code --rtmp-server embedded}); null otherwise. */
  public RtmpServer rtmp() {
    return rtmp;
  }

  /** This node's registry: Vert.x's and the JVM's meters; the API adds its own. */
  public NodeMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    closeQuietly(
        vertx); // undeploys the verticles (worker stops its job), then the pool closes with Vert.x
    metrics.close();
    if (rtmp != null) {
      rtmp.close(); // after the worker, whose live jobs use it
    }
    if (embedded != null) {
      embedded.close();
    }
    if (identity != null) {
      identity.close();
    }
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      await(vertx.close(), 30);
    } catch (Exception e) {
      // Closing is best effort: the process is ending.
    }
  }
}
