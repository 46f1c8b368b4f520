package io.ffrtmp.worker.engine;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child process run without blocking an event loop: forked on a worker thread, one daemon thread
 * per pipe, the exit delivered on the caller's context. stdout lines go to a consumer on that
 * context; stderr is drained (a full pipe would stall the child) and its last lines are kept.
 * {@link #kill} ends the whole process tree.
 */
public final class ChildProcess {

  private static final int STDERR_TAIL_LINES = 60;

  private final Process process;
  private final Context context;
  private final List<String> command;
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final CompletableFuture<Void> stdoutDone = new CompletableFuture<>();
  private final CompletableFuture<Void> stderrDone = new CompletableFuture<>();
  private volatile String killReason;

  private ChildProcess(Process process, Context context, List<String> command) {
    this.process = process;
    this.context = context;
    this.command = command;
  }

  /**
   * Starts {@code command} in {@code dir}. {@code stdoutLine} runs on the calling context, in
   * order.
   */
  public static Future<ChildProcess> start(
      Vertx vertx, List<String> command, Path dir, Consumer<String> stdoutLine) {
    Context ctx = vertx.getOrCreateContext();
    return vertx.executeBlocking(
        () -> {
          // Its own session: a Ctrl-C at the terminal reaches ffrtmp, which then stops the child in
          // order, rather than
          // the child dying first and its job being recorded as an FFmpeg failure.
          List<String> argv = SETSID == null ? command : prepend(SETSID, command);
          ProcessBuilder pb = new ProcessBuilder(argv);
          if (dir != null) {
            pb.directory(dir.toFile());
          }
          Process p = pb.start();
          p.getOutputStream().close();
          ChildProcess child = new ChildProcess(p, ctx, command);
          child.pump(
              p.getInputStream(),
              "stdout",
              line -> ctx.runOnContext(v -> stdoutLine.accept(line)),
              child.stdoutDone);
          child.pump(p.getErrorStream(), "stderr", child::keepStderr, child.stderrDone);
          return child;
        });
  }

  private static final String SETSID =
      Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : null;

  private static List<String> prepend(String first, List<String> rest) {
    List<String> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }

  public long pid() {
    return process.pid();
  }

  public List<String> command() {
    return command;
  }

  /**
   * Completes with the exit code on the starting context once the process and both pipes are done.
   */
  public Future<Integer> exit() {
    // Lines already posted to the context run before this completion, so the last progress block is
    // never lost.
    CompletableFuture<Integer> all =
        CompletableFuture.allOf(process.onExit(), stdoutDone, stderrDone)
            .thenApply(v -> process.exitValue());
    return Future.fromCompletionStage(all, context);
  }

  /** Why {@link #kill} was called, or null when the process ended on its own. */
  public String killReason() {
    return killReason;
  }

  public String stderrTail() {
    synchronized (stderrTail) {
      return String.join("\n", stderrTail);
    }
  }

  /**
   * The last line of the stderr tail (where FFmpeg says why it stopped); empty when there was none.
   */
  public String stderrLastLine() {
    String[] lines = stderrTail().strip().split("\n");
    return lines.length == 0 ? "" : lines[lines.length - 1];
  }

  public List<String> stderrLines() {
    synchronized (stderrTail) {
      return List.copyOf(stderrTail);
    }
  }

  /**
   * Ends the process and every descendant: SIGTERM first so FFmpeg can close its output, SIGKILL
   * after {@code graceMs}. Safe to call from an event loop (the wait happens on a daemon thread)
   * and more than once.
   */
  public void kill(String reason, long graceMs) {
    if (killReason == null) {
      killReason = reason;
    }
    List<ProcessHandle> tree = process.descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    Thread reaper =
        new Thread(
            () -> {
              try {
                if (!process.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                  tree.forEach(ProcessHandle::destroyForcibly);
                  process.descendants().forEach(ProcessHandle::destroyForcibly);
                  process.destroyForcibly();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
              }
            },
            "ffrtmp-kill-" + process.pid());
    reaper.setDaemon(true);
    reaper.start();
  }

  /**
   * The CPU time (user and system, all threads) the process has used so far, as the kernel counts
   * it in {@code /proc/PID/stat}; empty once it has exited. Blocking (a procfs read): call on a
   * worker thread.
   */
  public java.util.Optional<Double> cpuSeconds() {
    return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9);
  }

  public boolean alive() {
    return process.isAlive();
  }

  private void keepStderr(String line) {
    synchronized (stderrTail) {
      stderrTail.addLast(line);
      if (stderrTail.size() > STDERR_TAIL_LINES) {
        stderrTail.removeFirst();
      }
    }
  }

  private void pump(
      InputStream in, String name, Consumer<String> lines, CompletableFuture<Void> done) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.accept(line);
                }
              } catch (IOException e) {
                // The stream closes when the process is killed; nothing more to read.
              } finally {
                done.complete(null);
              }
            },
            "ffrtmp-" + name + "-" + process.pid());
    t.setDaemon(true);
    t.start();
  }
}
