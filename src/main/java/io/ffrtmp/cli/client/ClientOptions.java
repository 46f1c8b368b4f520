package io.ffrtmp.cli.client;

import io.ffrtmp.master.api.ApiSecrets;
import io.ffrtmp.node.NodeConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/** Where the server is, how to trust it and which credential to use: shared by every client command. */
public final class ClientOptions {

  static final String DEFAULT_SERVER = "https://127.0.0.1:8443";

  @Option(names = "--server", paramLabel = "URL", description = "The node's API (default: $FFRTMP_SERVER, else " + DEFAULT_SERVER + ").")
  String server;

  @Option(names = "--token", paramLabel = "JWT", description = "A token (default: $FFRTMP_TOKEN; else the key file is exchanged for one).")
  String token;

  @Option(names = "--key-file", paramLabel = "FILE", description = "An API key file (default: the admin key in the data directory).")
  Path keyFile;

  @Option(names = "--ca", paramLabel = "PEM", description = "Trust the server through this CA certificate (host name checked).")
  Path ca;

  @Option(names = "--insecure", description = "Do not check the server's certificate at all (never over a network you do not trust).")
  boolean insecure;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "The local node's data directory, for its pinned certificate "
    + "and admin key (default: $FFRTMP_DATA_DIR, /var/lib/ffrtmp for root, else ~/.local/share/ffrtmp).")
  Path dataDir;

  @Option(names = "--json", description = "Print JSON instead of tables.")
  boolean json;

  /** A client with trust and a token set up; exchanges the key file for a token when no token was given. */
  ApiClient connect() throws ClientException {
    URI uri;
    String url = server != null ? server : env("FFRTMP_SERVER", DEFAULT_SERVER);
    try {
      uri = URI.create(url.endsWith("/") ? url : url + "/");
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ClientException(ClientCommand.EXIT_BAD_INPUT, "--server: '" + url + "' is not a URL; accepted: https://HOST:PORT");
    }
    ApiClient client = new ApiClient(uri, "https".equals(uri.getScheme()) ? ssl() : null);
    String bearer = token != null ? token : System.getenv("FFRTMP_TOKEN");
    if (bearer == null || bearer.isBlank()) {
      bearer = client.post("api/v1/tokens", new JsonObject().put("api_key", readKey())).getString("token");
    }
    client.token(bearer.trim());
    return client;
  }

  boolean json() {
    return json;
  }

  private SSLContext ssl() throws ClientException {
    try {
      if (insecure) {
        return PinnedTrust.insecure();
      }
      if (ca != null) {
        return PinnedTrust.ca(ca);
      }
      Path pinned = apiDir().resolve(ApiSecrets.TLS_CERT);
      return Files.isReadable(pinned) ? PinnedTrust.pinned(pinned) : SSLContext.getDefault();
    } catch (IOException | GeneralSecurityException e) {
      throw new ClientException(ClientCommand.EXIT_BAD_INPUT, (ca != null ? "--ca: " : "pinned certificate: ") + e.getMessage());
    }
  }

  private String readKey() throws ClientException {
    Path file = keyFile != null ? keyFile : apiDir().resolve(ApiSecrets.ADMIN_KEY);
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new ClientException(ClientCommand.EXIT_AUTH, "no credential: " + file + " cannot be read (" + e.getClass().getSimpleName()
        + "); give --token or FFRTMP_TOKEN, or --key-file FILE");
    }
  }

  private Path apiDir() {
    return (dataDir != null ? dataDir : NodeConfig.defaultDataDir()).resolve("api");
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
