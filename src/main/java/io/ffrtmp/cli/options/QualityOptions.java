package io.ffrtmp.cli.options;

import io.ffrtmp.node.NodeConfig;
import io.ffrtmp.worker.engine.Scorer;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which FFmpeg scores quality, and with which VMAF model: shared by the node roles, bench and
 * doctor. Operator options, checked at start: the scorer must be an executable file and the model a
 * readable file whose name the filter graph can carry.
 */
public final class QualityOptions {

  @Option(
      names = "--quality-ffmpeg",
      paramLabel = "PATH",
      description =
          "Worker: the FFmpeg the quality pass runs (PSNR, SSIM, VMAF), e.g. a build with"
              + " libvmaf, while encodes use --ffmpeg (default: the --ffmpeg binary).")
  public Path qualityFfmpeg;

  @Option(
      names = "--vmaf-model",
      paramLabel = "PATH",
      description =
          "Worker: the VMAF model file the scorer loads (libvmaf 1.x builds need one: a .pkl with"
              + " its .pkl.model beside it; 2.x takes a .json). Default: the built-in"
              + " vmaf_v0.6.1.")
  public Path vmafModel;

  /** The first problem as "--flag: what is wrong; accepted: ...", or null. */
  public String check() {
    if (qualityFfmpeg != null
        && !(Files.isRegularFile(qualityFfmpeg) && Files.isExecutable(qualityFfmpeg))) {
      return "--quality-ffmpeg: "
          + qualityFfmpeg
          + (Files.exists(qualityFfmpeg) ? " is not an executable file" : " does not exist")
          + "; accepted: the path of an FFmpeg binary this user can run";
    }
    if (vmafModel != null) {
      if (!(Files.isRegularFile(vmafModel) && Files.isReadable(vmafModel))) {
        return "--vmaf-model: "
            + vmafModel
            + " is not a readable file; accepted: a VMAF model file (.pkl or .json)";
      }
      String path = vmafModel.toAbsolutePath().normalize().toString();
      for (char c : Scorer.FILTER_SPECIALS) {
        if (path.indexOf(c) >= 0) {
          return "--vmaf-model: "
              + path
              + " holds '"
              + c
              + "', which would end a filter option; accepted: a path of letters, digits, '/',"
              + " '.', '_', '-'";
        }
      }
    }
    return null;
  }

  /** The scorer as a path string (absolute), or null for the encoding FFmpeg. */
  public String scorer() {
    return qualityFfmpeg == null ? null : qualityFfmpeg.toAbsolutePath().normalize().toString();
  }

  /** The model as an absolute path, or null for the built-in one. */
  public Path model() {
    return vmafModel == null ? null : vmafModel.toAbsolutePath().normalize();
  }

  public NodeConfig applyTo(NodeConfig config) {
    return config.withQuality(scorer(), model());
  }
}
