package io.ffrtmp;

import io.ffrtmp.bench.BenchCommand;
import io.ffrtmp.cli.CalibrateCommand;
import io.ffrtmp.cli.DoctorCommand;
import io.ffrtmp.cli.NodeMain;
import io.ffrtmp.cli.RecommendCommand;
import io.ffrtmp.cli.StandaloneRole;
import io.ffrtmp.cli.client.CampaignsCommand;
import io.ffrtmp.cli.client.JobsCommand;
import io.ffrtmp.cli.client.NodesCommand;
import io.ffrtmp.cli.client.TokenCommand;
import io.ffrtmp.cli.client.UiCommand;
import io.ffrtmp.cli.options.ApiOptions;
import io.ffrtmp.cli.options.NodeOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Parses the command line and hands over; all wiring lives in testable classes. */
@Command(
    name = "ffrtmp",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Measures what video transcoding costs in energy.",
      "",
      "  ffrtmp bench [CAMPAIGN]            run a campaign here and rank configurations by J/frame",
      "  ffrtmp recommend RESULTS --target psnr=40   the cheapest setting that reaches a quality",
      "  ffrtmp doctor                      check this machine and print the fix for anything"
          + " unusable",
      "  ffrtmp calibrate                   fit this node's CPU power model with RAPL, for nodes"
          + " without it",
      "  ffrtmp jobs|nodes|campaigns|token ...   client commands over the REST API (docs/api.md)",
      "  ffrtmp ui                          open the web UI with a single-use login link"
          + " (docs/web-ui.md)",
      "  ffrtmp --role master|worker|standalone   run a node (master and standalone serve the REST"
          + " API; docs/cluster.md)"
    },
    subcommands = {
      BenchCommand.class,
      RecommendCommand.class,
      DoctorCommand.class,
      CalibrateCommand.class,
      JobsCommand.class,
      NodesCommand.class,
      CampaignsCommand.class,
      TokenCommand.class,
      UiCommand.class
    })
public final class Main implements Callable<Integer> {

  /** Node roles. */
  public enum Role {
    master,
    worker,
    standalone
  }

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      description = "Node role: ${COMPLETION-CANDIDATES}.")
  Role role;

  @Mixin NodeOptions node;

  @Mixin ApiOptions api;

  @Override
  public Integer call() throws Exception {
    if (role == null) {
      new CommandLine(this).usage(System.out);
      return 0;
    }
    return switch (role) {
      case master -> NodeMain.run(true, node, api);
      case worker -> NodeMain.run(false, node, null);
      case standalone -> {
        String problem = node.check();
        if (problem != null) {
          System.err.println(problem);
          yield 2;
        }
        yield StandaloneRole.run(
            node.nodeConfig(), api, node.metricsToken(), System.out, System.err);
      }
    };
  }

  public static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** The version from the jar manifest (set by the build). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ffrtmp " + (v == null ? "(development build)" : v)};
    }
  }
}
