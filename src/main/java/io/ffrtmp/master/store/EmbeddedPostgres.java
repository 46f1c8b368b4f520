package io.ffrtmp.master.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL cluster kept in the data directory, so a single machine needs no database
 * set up by hand. Uses the PostgreSQL server binaries installed on the machine ({@code
 * deploy/install-deps.sh} installs them). It listens on 127.0.0.1 only, on a free port, without a
 * Unix socket, with a generated password (SCRAM) stored 0600 beside it.
 *
 * <p>PostgreSQL refuses to run as root; when ffrtmp runs as root the server runs as the {@code
 * postgres} system user (or {@code nobody}) through {@code runuser}. All methods block: call them
 * off the event loop.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  public static final String USER = "ffrtmp";
  public static final String DATABASE = "ffrtmp";

  private final Path dataDir;
  private final Path pgData;
  private final Path binDir;
  private final String runAs;
  private int port;
  private String password;
  private boolean startedByUs;

  private EmbeddedPostgres(Path dataDir, Path binDir, String runAs) {
    this.dataDir = dataDir.toAbsolutePath();
    this.pgData = this.dataDir.resolve("pgdata");
    this.binDir = binDir;
    this.runAs = runAs;
  }

  /**
   * Initialises the cluster on first use, then starts it (or joins one that is already running
   * there).
   */
  public static EmbeddedPostgres start(Path dataDir) throws IOException {
    Path bin =
        findBinaries()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "PostgreSQL server binaries (initdb, pg_ctl) not found; install them with:"
                            + " sudo deploy/install-deps.sh (Debian/Ubuntu: sudo apt-get install"
                            + " postgresql), or point ffrtmp at a server with --db"
                            + " postgresql://..."));
    String runAs = isRoot() ? rootFallbackUser() : null;
    EmbeddedPostgres pg = new EmbeddedPostgres(dataDir, bin, runAs);
    pg.startOrJoin();
    return pg;
  }

  public int port() {
    return port;
  }

  /** A connection URI with the password in it: never log it. */
  public String uri() {
    return "postgresql://" + USER + ":" + password + "@127.0.0.1:" + port + "/" + DATABASE;
  }

  public Path pgData() {
    return pgData;
  }

  public static Optional<Path> findBinaries() {
    String override = System.getenv("FFRTMP_PG_BIN");
    if (override != null && Files.isExecutable(Path.of(override, "initdb"))) {
      return Optional.of(Path.of(override));
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Optional<Path> newest =
            versions
                .filter(p -> p.getFileName().toString().matches("\\d+"))
                .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                .map(p -> p.resolve("bin"))
                .filter(p -> Files.isExecutable(p.resolve("initdb")));
        if (newest.isPresent()) {
          return newest;
        }
      } catch (IOException e) {
        LOG.debug("cannot list {}", debian, e);
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        if (!dir.isEmpty()
            && Files.isExecutable(Path.of(dir, "initdb"))
            && Files.isExecutable(Path.of(dir, "pg_ctl"))) {
          return Optional.of(Path.of(dir));
        }
      }
    }
    return Optional.empty();
  }

  private void startOrJoin() throws IOException {
    Files.createDirectories(dataDir);
    if (runAs != null) {
      makeReachable();
    }
    Path passwordFile = dataDir.resolve("pg-password");
    if (!Files.exists(pgData.resolve("PG_VERSION"))) {
      removeUnfinished();
      initialise(passwordFile);
    }
    password = Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
    Optional<Integer> running = runningPort();
    if (running.isPresent()) {
      port = running.get();
      startedByUs = false;
      LOG.info("joined the embedded PostgreSQL already running in {} on port {}", pgData, port);
      return;
    }
    port = freePort();
    List<String> cmd =
        command(
            "pg_ctl",
            "-D",
            pgData.toString(),
            "-l",
            pgData.resolve("server.log").toString(),
            "-w",
            "-t",
            "60",
            "-o",
            "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=",
            "start");
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      // Its own session, so a Ctrl-C at the terminal does not shut the database down under a run
      // that is saving results.
      cmd.add(0, "/usr/bin/setsid");
    }
    run(
        cmd,
        Duration.ofSeconds(90),
        "start the embedded PostgreSQL (log: " + pgData.resolve("server.log") + ")");
    startedByUs = true;
    LOG.info("embedded PostgreSQL started in {} on 127.0.0.1:{}", pgData, port);
  }

  private void initialise(Path passwordFile) throws IOException {
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    Files.writeString(passwordFile, secret + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    // initdb reads the password from a file the server user can read; it is removed right after.
    Path init = Files.createTempDirectory(dataDir, "pg-init");
    Path pwFile = init.resolve("pw");
    Files.writeString(pwFile, secret + "\n", StandardCharsets.UTF_8);
    try {
      if (runAs != null) {
        Files.createDirectories(pgData);
        chown(pgData);
        chown(init);
        chown(pwFile);
      }
      List<String> cmd =
          command(
              "initdb",
              "-D",
              pgData.toString(),
              "-U",
              USER,
              "--auth=scram-sha-256",
              "--pwfile=" + pwFile,
              "-E",
              "UTF8",
              "--no-locale",
              "--no-sync");
      run(cmd, Duration.ofSeconds(120), "initialise the embedded PostgreSQL in " + pgData);
      // The default database is created by a first connection through the pg client (see
      // Database.open).
      Files.writeString(
          pgData.resolve("postgresql.auto.conf"),
          "# written by ffrtmp: small footprint, durable commits\n"
              + "shared_buffers = '32MB'\n"
              + "max_connections = 40\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    } finally {
      Files.deleteIfExists(pwFile);
      Files.deleteIfExists(init);
    }
  }

  /**
   * The server user must be able to pass through the data directory (not list it: 0711) and every
   * directory above it. Ours we open; a parent we do not own is reported with the fix rather than
   * changed.
   */
  private void makeReachable() throws IOException {
    Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(dataDir));
    perms.addAll(List.of(PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
    Files.setPosixFilePermissions(dataDir, perms);
    for (Path p = dataDir.getParent(); p != null; p = p.getParent()) {
      if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IOException(
            "the embedded PostgreSQL runs as user '"
                + runAs
                + "' (PostgreSQL refuses root) and cannot reach "
                + dataDir
                + " because "
                + p
                + " is closed to other users; choose --data-dir under a directory others may pass"
                + " through (the default for root is /var/lib/ffrtmp), or run ffrtmp as an ordinary"
                + " user");
      }
    }
  }

  /**
   * A pgdata without PG_VERSION is what an interrupted initdb leaves; initdb refuses a non-empty
   * directory.
   */
  private void removeUnfinished() throws IOException {
    if (!Files.isDirectory(pgData)) {
      return;
    }
    try (Stream<Path> files = Files.walk(pgData)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private Optional<Integer> runningPort() throws IOException {
    Path pid = pgData.resolve("postmaster.pid");
    if (!Files.exists(pid)) {
      return Optional.empty();
    }
    ProcessResult status =
        exec(command("pg_ctl", "-D", pgData.toString(), "status"), Duration.ofSeconds(20));
    if (status.exitCode != 0) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pid, StandardCharsets.UTF_8);
    return lines.size() > 3 ? Optional.of(Integer.parseInt(lines.get(3).trim())) : Optional.empty();
  }

  /**
   * Restarts the server in place (same directory and port), dropping every connection: for failure
   * tests.
   */
  public void restart() throws IOException {
    // The server's output goes to its log, as at start: otherwise it inherits our pipe and holds it
    // open.
    List<String> cmd =
        command(
            "pg_ctl",
            "-D",
            pgData.toString(),
            "-l",
            pgData.resolve("server.log").toString(),
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "restart");
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add(0, "/usr/bin/setsid");
    }
    run(cmd, Duration.ofSeconds(90), "restart the embedded PostgreSQL");
  }

  @Override
  public void close() {
    if (!startedByUs) {
      return;
    }
    try {
      exec(
          command("pg_ctl", "-D", pgData.toString(), "-m", "fast", "-w", "-t", "30", "stop"),
          Duration.ofSeconds(40));
      startedByUs = false;
    } catch (IOException e) {
      LOG.warn("could not stop the embedded PostgreSQL in {}: {}", pgData, e.getMessage());
    }
  }

  private List<String> command(String tool, String... args) {
    List<String> cmd = new ArrayList<>();
    if (runAs != null) {
      cmd.addAll(List.of(runuser(), "-u", runAs, "--"));
    }
    cmd.add(binDir.resolve(tool).toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private void run(List<String> cmd, Duration timeout, String what) throws IOException {
    ProcessResult r = exec(cmd, timeout);
    if (r.exitCode != 0) {
      throw new IOException("could not " + what + ": exit " + r.exitCode + ": " + r.output.strip());
    }
  }

  private record ProcessResult(int exitCode, String output) {}

  private static ProcessResult exec(List<String> cmd, Duration timeout) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    try {
      // pg_ctl start leaves the server running with its own output in the log file, so reading to
      // EOF is safe.
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            "timed out after " + timeout.toSeconds() + " s: " + String.join(" ", cmd));
      }
      return new ProcessResult(p.exitValue(), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
  }

  private void chown(Path p) throws IOException {
    run(
        List.of("chown", runAs, p.toString()),
        Duration.ofSeconds(10),
        "hand " + p + " to user " + runAs);
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static String rootFallbackUser() throws IOException {
    for (String user : List.of("postgres", "nobody")) {
      if (exec(List.of("id", "-u", user), Duration.ofSeconds(5)).exitCode == 0) {
        return user;
      }
    }
    throw new IOException(
        "PostgreSQL cannot run as root and neither the 'postgres' nor the 'nobody' user exists; "
            + "run ffrtmp as an ordinary user or pass --db postgresql://...");
  }

  private static String runuser() {
    for (String p : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return "runuser";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
