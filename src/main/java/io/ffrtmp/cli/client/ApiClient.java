package io.ffrtmp.cli.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The client side of the REST API over the JDK's HTTP client: JSON in and out, server errors turned
 * into {@link ClientException}s with the exit codes of {@link ClientCommand}, and server-sent
 * events read line by line.
 */
public final class ApiClient {

  private final HttpClient http;
  private final URI server;
  private String token;

  /** One server-sent event. */
  public record Event(String name, JsonObject data) {}

  ApiClient(URI server, SSLContext ssl) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.http = b.build();
    this.server = server;
  }

  void token(String bearer) {
    this.token = bearer;
  }

  String token() {
    return token;
  }

  public JsonObject get(String path) throws ClientException {
    return json(send(request(path).GET()), path);
  }

  public JsonObject post(String path, JsonObject body) throws ClientException {
    return json(
        send(
            request(path)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.encode()))),
        path);
  }

  public JsonObject delete(String path) throws ClientException {
    return json(send(request(path).DELETE()), path);
  }

  public String getText(String path) throws ClientException {
    return send(request(path).GET()).body();
  }

  /**
   * Reads the event stream at {@code path}, handing each event over until the handler says stop or
   * the stream ends.
   */
  public void events(String path, Predicate<Event> handler) throws ClientException {
    HttpResponse<InputStream> res;
    try {
      res =
          http.send(
              request(path).header("accept", "text/event-stream").GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw connectFailure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(130, "interrupted");
    }
    if (res.statusCode() != 200) {
      try (InputStream in = res.body()) {
        fail(res.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new ClientException(ClientCommand.EXIT_SERVER, "HTTP " + res.statusCode());
      }
    }
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
      String name = "message";
      StringBuilder data = new StringBuilder();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isEmpty()) {
          if (data.length() > 0
              && !handler.test(new Event(name, new JsonObject(data.toString())))) {
            return;
          }
          name = "message";
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
    } catch (IOException e) {
      throw new ClientException(
          ClientCommand.EXIT_SERVER, "the event stream broke off: " + e.getMessage());
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofMinutes(5));
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    return b;
  }

  private HttpResponse<String> send(HttpRequest.Builder req) throws ClientException {
    HttpResponse<String> res;
    try {
      res = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw connectFailure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(130, "interrupted");
    }
    if (res.statusCode() >= 300) {
      fail(res.statusCode(), res.body());
    }
    return res;
  }

  private ClientException connectFailure(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return new ClientException(
            ClientCommand.EXIT_CONNECT,
            "cannot connect securely to "
                + server
                + ": "
                + t.getMessage()
                + "; give the server's CA with --ca FILE (or, knowingly, --insecure)");
      }
    }
    boolean refused =
        e instanceof ConnectException
            || e instanceof HttpConnectTimeoutException
            || e.getCause() instanceof ConnectException;
    return new ClientException(
        ClientCommand.EXIT_CONNECT,
        "cannot connect to "
            + server
            + (refused ? "" : ": " + e)
            + "; is the node running (java -jar ffrtmp.jar --role standalone)? Set --server or"
            + " FFRTMP_SERVER");
  }

  private static void fail(int status, String body) throws ClientException {
    String field = null;
    String message = body;
    try {
      JsonObject err = new JsonObject(body).getJsonObject("error");
      if (err != null) {
        field = err.getString("field");
        message = err.getString("message");
      }
    } catch (DecodeException | ClassCastException e) {
      // not our JSON error: show the text
    }
    String text = (field == null ? "" : field + ": ") + message + " (HTTP " + status + ")";
    int code =
        switch (status) {
          case 400, 404, 413 -> ClientCommand.EXIT_BAD_INPUT;
          case 401, 403 -> ClientCommand.EXIT_AUTH;
          default -> ClientCommand.EXIT_SERVER;
        };
    throw new ClientException(code, text);
  }

  private static JsonObject json(HttpResponse<String> res, String path) throws ClientException {
    try {
      return res.body() == null || res.body().isEmpty()
          ? new JsonObject()
          : new JsonObject(res.body());
    } catch (DecodeException e) {
      throw new ClientException(
          ClientCommand.EXIT_SERVER, path + ": the server did not answer JSON");
    }
  }
}
