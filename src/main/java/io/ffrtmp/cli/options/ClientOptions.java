package io.ffrtmp.cli.options;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the server is, how to trust it and which credential to use: shared by every client command.
 */
public final class ClientOptions {

  public static final String DEFAULT_SERVER = "https://127.0.0.1:8443";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "The node's API (default: $FFRTMP_SERVER, else " + DEFAULT_SERVER + ").")
  String server;

  @Option(
      names = "--token",
      paramLabel = "JWT",
      description = "A token (default: $FFRTMP_TOKEN; else the key file is exchanged for one).")
  String token;

  @Option(
      names = "--key-file",
      paramLabel = "FILE",
      description = "An API key file (default: the admin key in the data directory).")
  Path keyFile;

  @Option(
      names = "--ca",
      paramLabel = "PEM",
      description = "Trust the server through this CA certificate (host name checked).")
  Path ca;

  @Option(
      names = "--insecure",
      description =
          "Do not check the server's certificate at all (never over a network you do not trust).")
  boolean insecure;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "The local node's data directory, for its pinned certificate and admin key (default:"
              + " $FFRTMP_DATA_DIR, /var/lib/ffrtmp for root, else ~/.local/share/ffrtmp).")
  Path dataDir;

  @Option(names = "--json", description = "Print JSON instead of tables.")
  boolean json;

  /** --server, else $FFRTMP_SERVER, else the local node's default address. */
  public String server() {
    return server != null ? server : env("FFRTMP_SERVER", DEFAULT_SERVER);
  }

  /** --token, else $FFRTMP_TOKEN; null when neither is given. */
  public String token() {
    String t = token != null ? token : System.getenv("FFRTMP_TOKEN");
    return t == null || t.isBlank() ? null : t.trim();
  }

  public Path keyFile() {
    return keyFile;
  }

  public Path ca() {
    return ca;
  }

  public boolean insecure() {
    return insecure;
  }

  /** --data-dir; null for the default. */
  public Path dataDir() {
    return dataDir;
  }

  public boolean json() {
    return json;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
