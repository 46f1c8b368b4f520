package io.ffrtmp.cli;

import io.ffrtmp.cli.options.ApiOptions;
import io.ffrtmp.live.RtmpServer;
import io.ffrtmp.master.api.ApiConfig;
import io.ffrtmp.master.api.ApiServer;
import io.ffrtmp.master.api.MetricsAccess;
import io.ffrtmp.master.store.NodeStore;
import io.ffrtmp.node.Blocking;
import io.ffrtmp.node.NodeConfig;
import io.ffrtmp.node.StandaloneNode;
import io.ffrtmp.worker.engine.FfmpegInfo;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * {@code --role standalone}: master and worker in one JVM ({@link StandaloneNode}) with the REST
 * API in front, until SIGTERM or Ctrl-C, which close the API, then the node (the running job is
 * stopped and reported), then the database.
 */
public final class StandaloneRole {

  private StandaloneRole() {}

  /** Blocks until the process is told to stop; returns the exit code. */
  public static int run(NodeConfig config, ApiOptions options, PrintStream out, PrintStream err) {
    return run(config, options, null, out, err);
  }

  /** {@code metricsToken}: the static token /metrics and /metrics/targets take; null for none. */
  public static int run(
      NodeConfig config,
      ApiOptions options,
      String metricsToken,
      PrintStream out,
      PrintStream err) {
    ApiConfig api;
    try {
      api =
          options
              .apiConfig(config.dataDir(), config.mediaRoots())
              .withLiveHosts(config.workerLiveHosts());
      FfmpegInfo.probe(config.ffmpeg());
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    } catch (FfmpegInfo.MissingException e) {
      err.println(e.getMessage());
      return 3;
    }
    StandaloneNode node;
    ApiServer server;
    try {
      node = StandaloneNode.start(config);
    } catch (RtmpServer.MissingException e) {
      err.println(e.getMessage());
      return 3;
    } catch (Exception e) {
      err.println("the node could not start: " + e.getMessage());
      return 1;
    }
    try {
      server =
          Blocking.await(
              ApiServer.start(
                  node.vertx(),
                  api,
                  node.store(),
                  new NodeStore(node.store().pool()),
                  node.metrics().registry(),
                  new MetricsAccess(node.nodeId(), "standalone", metricsToken)),
              60);
    } catch (Exception e) {
      node.close();
      err.println(
          "the API could not start on " + api.bind() + ":" + api.port() + ": " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              try {
                Blocking.await(server.close(), 10);
              } catch (Exception e) {
                // stopping anyway
              }
              node.close();
              stopped.countDown();
            },
            "ffrtmp-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println(
        "ffrtmp standalone node "
            + node.nodeId()
            + ": API at "
            + server.url(api.bind())
            + "/api/v1");
    out.println(
        "web UI at " + server.url(api.bind()) + "/ (paste a key, or follow the link of ffrtmp ui)");
    out.println("metrics at " + server.url(api.bind()) + "/metrics");
    out.println(
        "admin key: "
            + server.adminKeyFile()
            + (server.adminKeyCreated() ? " (made now; mode 0600)" : " (mode 0600)"));
    if (server.certificate() != null) {
      out.println(
          "certificate: "
              + server.certificate()
              + " (clients on this machine pin it; elsewhere use --ca FILE)");
    }
    out.println(config.rtmp().describe());
    if (node.rtmp() != null) {
      out.println("rtmp statistics at " + node.rtmp().statsUrl());
    }
    out.println("stop with Ctrl-C or SIGTERM");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
