package io.ffrtmp.cli.client;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ffrtmp token}: without --role, prints a token for the credential in use (for
 * FFRTMP_TOKEN); with --role (admin only), issues an API key (the default) or a token for someone
 * else. Only the secret goes to stdout.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Print a token for your credential, or (admin) issue",
      "an API key or token with a role for someone else."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:server error",
      "2:bad input (the field is named)",
      "3:cannot connect",
      "4:not authenticated or not allowed"
    })
public final class TokenCommand extends ClientCommand {

  @Option(names = "--role", paramLabel = "ROLE", description = "admin, operator or viewer.")
  String role;

  @Option(
      names = "--name",
      paramLabel = "TEXT",
      description = "Whom it is for (default: the role).")
  String name;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      description = "key (long-lived, revocable; default) or token (expires).",
      defaultValue = "key")
  String kind;

  @Option(
      names = "--ttl",
      paramLabel = "MIN",
      description = "Token lifetime in minutes (--kind token).")
  Integer ttl;

  @Override
  int run(ApiClient api) throws ClientException {
    JsonObject r;
    if (role == null) {
      out.println(api.token()); // the token this credential was exchanged for: export
      // FFRTMP_TOKEN=$(ffrtmp token)
      return EXIT_OK;
    }
    String who = name != null ? name : role;
    if ("token".equals(kind)) {
      JsonObject req = new JsonObject().put("role", role).put("name", who);
      if (ttl != null) {
        req.put("ttl_minutes", ttl);
      }
      r = api.post("api/v1/tokens", req);
      out.println(json() ? r.encodePrettily() : r.getString("token"));
      if (!json()) {
        err.println(
            r.getString("role") + " token for " + who + ", expires " + r.getString("expires_at"));
      }
    } else if ("key".equals(kind)) {
      r = api.post("api/v1/keys", new JsonObject().put("role", role).put("name", who));
      out.println(json() ? r.encodePrettily() : r.getString("key"));
      if (!json()) {
        err.println(
            r.getString("role")
                + " key "
                + r.getString("key_id")
                + " for "
                + who
                + " (shown once; exchange it with POST /api/v1/tokens or --key-file)");
      }
    } else {
      throw new ClientException(
          EXIT_BAD_INPUT, "--kind: '" + kind + "' is not accepted; accepted: key, token");
    }
    return EXIT_OK;
  }
}
