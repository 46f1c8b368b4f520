package io.ffrtmp;

import io.ffrtmp.bench.BenchCommand;
import io.ffrtmp.cli.CalibrateCommand;
import io.ffrtmp.cli.DoctorCommand;
import io.ffrtmp.node.NodeMain;
import io.ffrtmp.node.NodeOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Parses the command line and hands over; all wiring lives in testable classes. */
@Command(name = "ffrtmp", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
  description = {"Measures what video transcoding costs in energy.", "",
    "  ffrtmp bench [CAMPAIGN]            run a campaign here and rank configurations by J/frame",
    "  ffrtmp doctor                      check this machine and print the fix for anything unusable",
    "  ffrtmp calibrate                   fit this node's CPU power model with RAPL, for nodes without it",
    "  ffrtmp --role master|worker|standalone   run a node"},
  subcommands = {BenchCommand.class, DoctorCommand.class, CalibrateCommand.class})
public final class Main implements Callable<Integer> {

  /** Node roles. */
  public enum Role { master, worker, standalone }

  @Option(names = "--role", paramLabel = "ROLE", description = "Node role: ${COMPLETION-CANDIDATES}.")
  Role role;

  @Mixin
  NodeOptions node;

  @Override
  public Integer call() throws Exception {
    if (role == null) {
      new CommandLine(this).usage(System.out);
      return 0;
    }
    return switch (role) {
      case master, worker -> NodeMain.run(role == Role.master, node);
      case standalone -> {
        System.err.println("--role standalone: not in this build yet; run 'ffrtmp bench' for a campaign on this machine.");
        yield 1;
      }
    };
  }

  public static int run(String... args) {
    return new CommandLine(new Main())
      .setCaseInsensitiveEnumValuesAllowed(true)
      .execute(args);
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
