package io.ffrtmp.cli.client;

import io.ffrtmp.cli.options.RecommendOptions;
import io.ffrtmp.job.SpecException;
import io.ffrtmp.job.StrictJson;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ffrtmp campaigns ...}: campaigns on a node: submit, follow, cancel, fetch the report. */
@Command(
    name = "campaigns",
    mixinStandardHelpOptions = true,
    description = "Submit campaigns and fetch their reports.",
    subcommands = {
      CampaignsCommand.Submit.class,
      CampaignsCommand.ListCampaigns.class,
      CampaignsCommand.Status.class,
      CampaignsCommand.Cancel.class,
      CampaignsCommand.Report.class,
      CampaignsCommand.Recommend.class
    })
public final class CampaignsCommand {

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = "Queue a campaign file; prints its id.")
  static final class Submit extends ClientCommand {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    int run(ApiClient api) throws ClientException {
      JsonObject campaign;
      try {
        if (!(StrictJson.parse(Files.readString(file, StandardCharsets.UTF_8))
            instanceof JsonObject o)) {
          throw new ClientException(EXIT_BAD_INPUT, file + ": not a JSON object");
        }
        campaign = o;
      } catch (SpecException e) {
        throw new ClientException(EXIT_BAD_INPUT, file + ": " + e);
      } catch (IOException | RuntimeException e) {
        throw new ClientException(
            EXIT_BAD_INPUT, file + ": not a readable JSON campaign file: " + e.getMessage());
      }
      if (!campaign.containsKey("name")) {
        campaign.put("name", file.getFileName().toString().replaceFirst("\\.json$", ""));
      }
      JsonObject r = api.post("api/v1/campaigns", campaign);
      out.println(json() ? r.encodePrettily() : r.getString("campaign_id"));
      if (!json()) {
        err.println(r.getString("name") + ": " + r.getInteger("jobs") + " job(s) queued");
      }
      return EXIT_OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Campaigns, newest first.")
  static final class ListCampaigns extends ClientCommand {
    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "How many (default: ${DEFAULT-VALUE}).",
        defaultValue = "50")
    int limit;

    @Override
    int run(ApiClient api) throws ClientException {
      return print(
          api.get("api/v1/campaigns?limit=" + limit),
          r ->
              Tables.of(
                  JobsCommand.objects(r.getJsonArray("campaigns")),
                  new String[] {"id", "name", "jobs", "finished", "failed", "started"},
                  new String[] {
                    "campaign_id", "name", "jobs", "finished", "failed", "started_at"
                  }));
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "How many of the campaign's jobs are in each state.")
  static final class Status extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(ApiClient api) throws ClientException {
      return print(
          api.get("api/v1/campaigns/" + JobsCommand.id(id)),
          c ->
              Tables.fields(
                  c,
                  "campaign_id",
                  "name",
                  "jobs",
                  "finished",
                  "done",
                  "states.queued",
                  "states.leased",
                  "states.running",
                  "states.succeeded",
                  "states.failed",
                  "states.canceled",
                  "states.retry_wait",
                  "started_at",
                  "finished_at"));
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancel what has not finished.")
  static final class Cancel extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(ApiClient api) throws ClientException {
      return print(
          api.post("api/v1/campaigns/" + JobsCommand.id(id) + "/cancel", null),
          r -> id + ": " + r.getInteger("canceled") + " queued job(s) canceled");
    }
  }

  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description = "Write results.json, results.csv and report.html.")
  static final class Report extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "Where to write them (default: ${DEFAULT-VALUE}).",
        defaultValue = ".")
    Path outDir;

    @Override
    int run(ApiClient api) throws ClientException {
      String base = "api/v1/campaigns/" + JobsCommand.id(id) + "/report?format=";
      try {
        Files.createDirectories(outDir);
        for (String[] f :
            new String[][] {
              {"json", "results.json"}, {"csv", "results.csv"}, {"html", "report.html"}
            }) {
          Path target = outDir.resolve(f[1]);
          Files.writeString(target, api.getText(base + f[0]), StandardCharsets.UTF_8);
          out.println(target);
        }
      } catch (IOException e) {
        throw new ClientException(EXIT_BAD_INPUT, "--out: " + outDir + ": " + e.getMessage());
      }
      return EXIT_OK;
    }
  }

  @Command(
      name = "recommend",
      mixinStandardHelpOptions = true,
      description = {
        "The cheapest configuration in energy that reaches a quality floor, with its savings",
        "against a baseline, BD figures and cost (as 'ffrtmp recommend' for a results file)."
      })
  static final class Recommend extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Mixin RecommendOptions question;

    @Override
    int run(ApiClient api) throws ClientException {
      try {
        question.parsedTarget();
      } catch (SpecException e) {
        throw new ClientException(EXIT_BAD_INPUT, e.toString());
      }
      JsonObject r =
          api.get("api/v1/campaigns/" + JobsCommand.id(id) + "/recommendation?" + question.query());
      out.println(json() ? r.encodePrettily() : r.getString("text"));
      return EXIT_OK;
    }
  }
}
