package io.ffrtmp.cli.client;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ffrtmp nodes ...}: the worker nodes a master knows. */
@Command(
    name = "nodes",
    mixinStandardHelpOptions = true,
    description = "List, inspect, drain and resume worker nodes.",
    subcommands = {
      NodesCommand.ListNodes.class,
      NodesCommand.Get.class,
      NodesCommand.Drain.class,
      NodesCommand.Resume.class
    })
public final class NodesCommand {

  /**
   * Watts come with where they came from (measured or estimated); blank when no job window is open.
   */
  static final String[] HEADERS = {
    "id", "state", "host", "slots", "free", "watts", "watts are", "last seen"
  };

  static final String[] FIELDS = {
    "node_id", "state", "host", "slots", "free_slots", "watts", "watts_source", "last_seen"
  };

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every node.")
  static final class ListNodes extends ClientCommand {
    @Override
    int run(ApiClient api) throws ClientException {
      return print(
          api.get("api/v1/nodes"),
          r -> Tables.of(JobsCommand.objects(r.getJsonArray("nodes")), HEADERS, FIELDS));
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "One node.")
  static final class Get extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(ApiClient api) throws ClientException {
      return print(
          api.get("api/v1/nodes/" + JobsCommand.id(id)),
          n ->
              Tables.fields(
                  n,
                  "node_id",
                  "state",
                  "host",
                  "slots",
                  "free_slots",
                  "watts",
                  "watts_source",
                  "encoders",
                  "labels",
                  "running",
                  "registered_at",
                  "last_seen"));
    }
  }

  /** Drain or resume: POST to the node's action, print its new state. */
  abstract static class NodeAction extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    abstract String action();

    @Override
    int run(ApiClient api) throws ClientException {
      return print(
          api.post("api/v1/nodes/" + JobsCommand.id(id) + "/" + action(), null),
          n -> id + ": " + n.getString("state"));
    }
  }

  @Command(
      name = "drain",
      mixinStandardHelpOptions = true,
      description = "The node finishes what runs and takes nothing new.")
  static final class Drain extends NodeAction {
    @Override
    String action() {
      return "drain";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Undo a drain.")
  static final class Resume extends NodeAction {
    @Override
    String action() {
      return "resume";
    }
  }
}
