package io.ffrtmp.cli.client;

import java.net.URI;
import javax.net.ssl.SSLContext;

/**
 * The command line's {@link ApiClient} for tests in other packages, set up as {@code
 * ClientConnection} leaves it.
 */
public final class ApiClients {

  private ApiClients() {}

  /**
   * A client for {@code server} (ending in '/') holding {@code bearer}; {@code ssl} null for the
   * JDK's trust.
   */
  public static ApiClient withToken(URI server, SSLContext ssl, String bearer) {
    ApiClient client = new ApiClient(server, ssl);
    client.token(bearer);
    return client;
  }
}
