package io.ffrtmp.cli.client;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ffrtmp nodes ...}: the worker nodes a master knows. */
@Command(name = "nodes", mixinStandardHelpOptions = true, description = "List, inspect, drain and resume worker nodes.",
  subcommands = {NodesCommand.ListNodes.class, NodesCommand.Get.class, NodesCommand.Drain.class, NodesCommand.Resume.class})
public final class NodesCommand {

  static final String[] HEADERS = {"id", "state", "host", "slots", "free", "watts", "last seen"};
  static final String[] FIELDS = {"node_id", "state", "host", "slots", "free_slots", "watts", "last_seen"};

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every node.")
  static final class ListNodes extends ClientCommand {
    @Override
    int run(ApiClient api) throws ClientException {
      JsonObject r = api.get("api/v1/nodes");
      out.println(json() ? r.encodePrettily() : Tables.of(JobsCommand.objects(r.getJsonArray("nodes")), HEADERS, FIELDS));
      return EXIT_OK;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "One node.")
  static final class Get extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(ApiClient api) throws ClientException {
      JsonObject n = api.get("api/v1/nodes/" + JobsCommand.id(id));
      out.println(json() ? n.encodePrettily() : Tables.fields(n, "node_id", "state", "host", "slots", "free_slots", "watts",
        "watts_source", "encoders", "labels", "running", "registered_at", "last_seen"));
      return EXIT_OK;
    }
  }

  @Command(name = "drain", mixinStandardHelpOptions = true, description = "The node finishes what runs and takes nothing new.")
  static final class Drain extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(ApiClient api) throws ClientException {
      JsonObject n = api.post("api/v1/nodes/" + JobsCommand.id(id) + "/drain", null);
      out.println(json() ? n.encodePrettily() : id + ": " + n.getString("state"));
      return EXIT_OK;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Undo a drain.")
  static final class Resume extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(ApiClient api) throws ClientException {
      JsonObject n = api.post("api/v1/nodes/" + JobsCommand.id(id) + "/resume", null);
      out.println(json() ? n.encodePrettily() : id + ": " + n.getString("state"));
      return EXIT_OK;
    }
  }
}
