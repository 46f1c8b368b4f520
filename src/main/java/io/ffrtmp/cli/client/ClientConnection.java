package io.ffrtmp.cli.client;

import io.ffrtmp.cli.options.ClientOptions;
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

/**
 * Turns the client flags into a connected {@link ApiClient}: the server's address, its trust, and a
 * token.
 */
final class ClientConnection {

  private ClientConnection() {}

  /**
   * A client with trust and a token set up; exchanges the key file for a token when no token was
   * given.
   */
  static ApiClient connect(ClientOptions options) throws ClientException {
    URI uri;
    String url = options.server();
    try {
      uri = URI.create(url.endsWith("/") ? url : url + "/");
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ClientException(
          ClientCommand.EXIT_BAD_INPUT,
          "--server: '" + url + "' is not a URL; accepted: https://HOST:PORT");
    }
    ApiClient client = new ApiClient(uri, "https".equals(uri.getScheme()) ? ssl(options) : null);
    String bearer = options.token();
    if (bearer == null) {
      bearer =
          client
              .post("api/v1/tokens", new JsonObject().put("api_key", readKey(options)))
              .getString("token");
    }
    client.token(bearer.trim());
    return client;
  }

  private static SSLContext ssl(ClientOptions options) throws ClientException {
    try {
      if (options.insecure()) {
        return PinnedTrust.insecure();
      }
      if (options.ca() != null) {
        return PinnedTrust.ca(options.ca());
      }
      Path pinned = apiDir(options).resolve(ApiSecrets.TLS_CERT);
      return Files.isReadable(pinned) ? PinnedTrust.pinned(pinned) : SSLContext.getDefault();
    } catch (IOException | GeneralSecurityException e) {
      throw new ClientException(
          ClientCommand.EXIT_BAD_INPUT,
          (options.ca() != null ? "--ca: " : "pinned certificate: ") + e.getMessage());
    }
  }

  private static String readKey(ClientOptions options) throws ClientException {
    Path file =
        options.keyFile() != null
            ? options.keyFile()
            : apiDir(options).resolve(ApiSecrets.ADMIN_KEY);
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new ClientException(
          ClientCommand.EXIT_AUTH,
          "no credential: "
              + file
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + "); give --token or FFRTMP_TOKEN, or --key-file FILE");
    }
  }

  private static Path apiDir(ClientOptions options) {
    return (options.dataDir() != null ? options.dataDir() : NodeConfig.defaultDataDir())
        .resolve("api");
  }
}
