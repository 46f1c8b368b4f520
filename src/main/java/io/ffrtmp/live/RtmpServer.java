package io.ffrtmp.live;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An RTMP server kept in the data directory, so live jobs need no server set up by hand: nginx with
 * the RTMP module (Debian's {@code nginx} and {@code libnginx-mod-rtmp}; {@code
 * deploy/install-deps.sh} installs them) run as a child process with a config, pid file, logs and
 * temp paths under {@code <data>/rtmp}. RTMP on {@code port} (every address; publishing only from
 * this machine), its statistics page on {@code statsPort} at 127.0.0.1 only. Stopped with TERM,
 * then KILL after a grace period. All methods block: call them off the event loop.
 */
public final class RtmpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RtmpServer.class);

  static final Path DEFAULT_MODULE = Path.of("/usr/lib/nginx/modules/ngx_rtmp_module.so");
  static final String INSTALL =
      "install them with: sudo deploy/install-deps.sh (Debian/Ubuntu: sudo apt-get install nginx"
          + " libnginx-mod-rtmp), or name your own server with --rtmp-server rtmp://host/app";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final String SETSID =
      Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : null;

  /** nginx or its RTMP module is not installed; the message says what to install. */
  public static final class MissingException extends IOException {
    MissingException(String message) {
      super(message);
    }
  }

  /** The RTMP or statistics port is held by another program; the message names the flag. */
  public static final class PortInUseException extends IOException {
    PortInUseException(String message) {
      super(message);
    }
  }

  private final Path dir;
  private final int port;
  private final int statsPort;
  private final Process process;

  private RtmpServer(Path dir, int port, int statsPort, Process process) {
    this.dir = dir;
    this.port = port;
    this.statsPort = statsPort;
    this.process = process;
  }

  /** Starts the embedded server {@code config} describes, in {@code <dataDir>/rtmp}. */
  public static RtmpServer start(Path dataDir, RtmpConfig config) throws IOException {
    if (!config.embedded()) {
      throw new IllegalArgumentException("not an embedded RTMP server: " + config.mode());
    }
    return start(
        dataDir,
        config.port(),
        config.statsPort(),
        findNginx().orElse(Path.of("/usr/sbin/nginx")),
        DEFAULT_MODULE);
  }

  /** The same with the binary and module given: tests point them at files that do not exist. */
  static RtmpServer start(Path dataDir, int port, int statsPort, Path nginx, Path module)
      throws IOException {
    return start(dataDir, port, statsPort, nginx, module, true);
  }

  /**
   * {@code checkPorts} false skips the check before start, so tests reach the other way a taken
   * port shows: nginx failing to bind.
   */
  static RtmpServer start(
      Path dataDir, int port, int statsPort, Path nginx, Path module, boolean checkPorts)
      throws IOException {
    if (!Files.isExecutable(nginx)) {
      throw new MissingException(
          "nginx not found at " + nginx + " (the embedded RTMP server needs it); " + INSTALL);
    }
    if (!Files.isRegularFile(module)) {
      throw new MissingException("the nginx RTMP module not found at " + module + "; " + INSTALL);
    }
    Path dir = dataDir.toAbsolutePath().resolve("rtmp");
    Files.createDirectories(dir.resolve("temp"));
    stopLeftover(dir);
    if (checkPorts) {
      checkFree(port, statsPort);
    }
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, config(dir, port, statsPort, module), StandardCharsets.UTF_8);
    Path errorLog = dir.resolve("error.log");
    long logStart = Files.exists(errorLog) ? Files.size(errorLog) : 0;
    List<String> cmd = new ArrayList<>();
    if (SETSID != null) {
      // Its own session, as for FFmpeg: a Ctrl-C at the terminal reaches ffrtmp, which stops the
      // server after the jobs that use it.
      cmd.add(SETSID);
    }
    cmd.addAll(
        List.of(
            nginx.toString(), "-p", dir + "/", "-e", errorLog.toString(), "-c", conf.toString()));
    // No pipes to drain: nginx writes to its logs, and the JDK closes every other descriptor in
    // the child, so nginx holds nothing of ours open.
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(dir.resolve("nginx.out").toFile())
            .redirectErrorStream(true)
            .start();
    RtmpServer server = new RtmpServer(dir, port, statsPort, p);
    try {
      server.awaitListening(errorLog, logStart);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    LOG.info(
        "embedded RTMP server (nginx pid {}) at {}, statistics at {}",
        p.pid(),
        server.applicationUrl(),
        server.statsUrl());
    return server;
  }

  /** {@code nginx} in /usr/sbin (where Debian puts it, often not on a user's PATH), else PATH. */
  static Optional<Path> findNginx() {
    List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/sbin/nginx")));
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(":")) {
        if (!d.isEmpty()) {
          candidates.add(Path.of(d, "nginx"));
        }
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /**
   * The generated config. One worker process, because each worker keeps its own statistics and
   * streams on another would be missing from the page.
   */
  static String config(Path dir, int port, int statsPort, Path module) {
    return String.join(
        "\n",
        "# written by ffrtmp at every start of the embedded RTMP server; edits are lost",
        "daemon off;",
        "master_process on;",
        "worker_processes 1;",
        "pid " + quoted(dir.resolve("nginx.pid")) + ";",
        "error_log " + quoted(dir.resolve("error.log")) + " notice;",
        "load_module " + quoted(module) + ";",
        "",
        "events {",
        "  worker_connections 1024;",
        "}",
        "",
        "rtmp {",
        "  server {",
        "    listen " + port + ";",
        "    chunk_size 4096;",
        "    application " + RtmpConfig.APPLICATION + " {",
        "      live on;",
        "      record off;",
        "      # Live jobs and their synthetic cameras publish from this machine; anyone may play.",
        "      allow publish 127.0.0.1;",
        "      deny publish all;",
        "      allow play all;",
        "    }",
        "  }",
        "}",
        "",
        "http {",
        "  access_log " + quoted(dir.resolve("access.log")) + ";",
        "  server_tokens off;",
        "  client_body_temp_path " + quoted(dir.resolve("temp/client_body")) + ";",
        "  proxy_temp_path " + quoted(dir.resolve("temp/proxy")) + ";",
        "  fastcgi_temp_path " + quoted(dir.resolve("temp/fastcgi")) + ";",
        "  uwsgi_temp_path " + quoted(dir.resolve("temp/uwsgi")) + ";",
        "  scgi_temp_path " + quoted(dir.resolve("temp/scgi")) + ";",
        "  server {",
        "    listen 127.0.0.1:" + statsPort + ";",
        "    location = /stat {",
        "      rtmp_stat all;",
        "    }",
        "    location / {",
        "      return 404;",
        "    }",
        "  }",
        "}",
        "");
  }

  /**
   * A path as an nginx string. A data directory with a character nginx would read as syntax or a
   * variable is refused rather than escaped.
   */
  private static String quoted(Path p) {
    String s = p.toString();
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c == '"' || c == '\\' || c == '$' || c == ';' || c == '{' || c == '}') {
        throw new IllegalArgumentException(
            "--data-dir: "
                + s
                + " contains '"
                + (c < 0x20 ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c))
                + "', which the embedded RTMP server's config cannot hold; choose a directory"
                + " without control characters, quotes, backslashes, '$', ';' or braces");
      }
    }
    return "\"" + s + "\"";
  }

  /**
   * A server left by a node that died without stopping it (the data directory's lock says no node
   * runs here now): stopped, so the ports and the pid file are free again. Only a process whose
   * command line names this directory's config is touched.
   */
  private static void stopLeftover(Path dir) throws IOException {
    Path pidFile = dir.resolve("nginx.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
    } catch (NumberFormatException e) {
      Files.deleteIfExists(pidFile);
      return;
    }
    Optional<ProcessHandle> old = ProcessHandle.of(pid);
    String conf = dir.resolve("nginx.conf").toString();
    if (old.isPresent() && cmdline(pid).contains(conf)) {
      LOG.warn("stopping the embedded RTMP server left running in {} (pid {})", dir, pid);
      stop(old.get());
    }
    Files.deleteIfExists(pidFile);
  }

  private static String cmdline(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  private static void checkFree(int port, int statsPort) throws IOException {
    // The same wildcard bind nginx makes for "listen PORT": held on any address, it fails.
    if (!canBind(null, port)) {
      throw portInUse(port, "RTMP");
    }
    if (!canBind(InetAddress.getLoopbackAddress(), statsPort)) {
      throw portInUse(statsPort, "statistics");
    }
  }

  private static boolean canBind(InetAddress address, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as nginx does: a port in TIME_WAIT is free
      s.bind(new InetSocketAddress(address, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static PortInUseException portInUse(int taken, String what) {
    return new PortInUseException(
        "--rtmp-port: port "
            + taken
            + " (the embedded RTMP server's "
            + what
            + " port) is in use by another program; choose a free one with --rtmp-port PORT (the"
            + " statistics page takes PORT+1), or stop the other program");
  }

  /**
   * Until both ports accept connections. nginx that exits first failed: a bind failure (another
   * program took the port since {@link #checkFree}) is reported like a port found taken.
   */
  private void awaitListening(Path errorLog, long logStart) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        String log = newLog(errorLog, logStart) + readQuietly(dir.resolve("nginx.out"));
        if (log.contains("Address already in use")) {
          int taken = log.contains(":" + statsPort + " failed") ? statsPort : port;
          throw portInUse(taken, taken == port ? "RTMP" : "statistics");
        }
        throw new IOException(
            "the embedded RTMP server (nginx) exited with "
                + process.exitValue()
                + " at start: "
                + lastLines(log, 5)
                + " (log: "
                + errorLog
                + ")");
      }
      // nginx writes its pid file only once every listening socket is bound, so a port that
      // answers before that may be another program's.
      if (pidFileIsOurs() && accepts(port) && accepts(statsPort)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "the embedded RTMP server did not listen on ports "
                + port
                + " and "
                + statsPort
                + " within "
                + START_TIMEOUT.toSeconds()
                + " s (log: "
                + errorLog
                + ")");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the RTMP server started", e);
      }
    }
  }

  private boolean pidFileIsOurs() {
    return readQuietly(dir.resolve("nginx.pid")).strip().equals(Long.toString(process.pid()));
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** What nginx added to its error log since {@code from} (the log is kept across starts). */
  private static String newLog(Path log, long from) {
    try (SeekableByteChannel ch = Files.newByteChannel(log)) {
      ch.position(Math.min(from, ch.size()));
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(64 * 1024, ch.size() - ch.position()));
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // reading to the end of what was there
      }
      return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String readQuietly(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String lastLines(String text, int n) {
    List<String> lines = text.strip().lines().toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  public int port() {
    return port;
  }

  public int statsPort() {
    return statsPort;
  }

  /** The nginx master process. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@code <data>/rtmp}: config, pid file, logs, temp paths. */
  public Path directory() {
    return dir;
  }

  /** Where live jobs publish and play: {@code rtmp://127.0.0.1:PORT/live}. */
  public URI applicationUrl() {
    return URI.create("rtmp://127.0.0.1:" + port + "/" + RtmpConfig.APPLICATION);
  }

  public URI statsUrl() {
    return URI.create("http://127.0.0.1:" + statsPort + "/stat");
  }

  /** Reads the statistics page now. */
  public RtmpStats stats() throws IOException {
    return RtmpStats.fetch(statsUrl(), Duration.ofSeconds(5));
  }

  /**
   * Stops nginx: TERM (its fast shutdown, the master stops its worker), KILL to what is left after
   * the grace period; the pid file goes with it. Safe to call more than once.
   */
  @Override
  public void close() {
    stop(process.toHandle());
    try {
      Files.deleteIfExists(dir.resolve("nginx.pid"));
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", dir.resolve("nginx.pid"), e.getMessage());
    }
  }

  private static void stop(ProcessHandle master) {
    List<ProcessHandle> workers = master.descendants().toList();
    master.destroy();
    if (!exited(master)) {
      LOG.warn(
          "nginx (pid {}) ignored TERM for {} s; killing it", master.pid(), STOP_GRACE.toSeconds());
      master.destroyForcibly();
      if (!exited(master)) {
        LOG.warn("nginx (pid {}) did not exit after KILL", master.pid());
      }
    }
    // A killed master leaves its worker running, holding the ports.
    workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static boolean exited(ProcessHandle p) {
    try {
      p.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return !p.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }
}
