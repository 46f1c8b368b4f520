package io.ffrtmp.node;

import io.ffrtmp.cli.CommandLogging;
import io.ffrtmp.worker.WorkerVerticle;
import java.util.concurrent.CountDownLatch;

/** Runs a master or a worker until SIGTERM or Ctrl-C, then leaves the cluster cleanly. Exit 2 on bad flags, 1 on failure. */
public final class NodeMain {

  private NodeMain() {
  }

  public static int run(boolean master, NodeOptions options) {
    String problem = options.check();
    if (problem != null) {
      System.err.println(problem);
      return 2;
    }
    if (options.dbUri() != null) {
      try {
        io.ffrtmp.master.store.Database.parse(options.dbUri());
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 2;
      }
    }
    CommandLogging.nodeLog();
    CommandLogging.quietPowerLog();
    ClusterNode node;
    try {
      node = master ? ClusterNode.master(options) : ClusterNode.worker(options);
    } catch (NodeIdentity.InUseException | WorkerVerticle.NodeIdTakenException e) {
      System.err.println(e.getMessage());
      return 1;
    } catch (Exception e) {
      System.err.println((master ? "master" : "worker") + " could not start: " + e);
      return 1;
    }
    System.out.println((master ? "master " : "worker ") + node.id() + " running; stop it with Ctrl-C or SIGTERM");
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      closed.countDown();
    }, "ffrtmp-shutdown"));
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
