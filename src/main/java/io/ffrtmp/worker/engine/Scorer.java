package io.ffrtmp.worker.engine;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * The FFmpeg the quality pass runs: the node's own, or another one ({@code --quality-ffmpeg}, e.g.
 * a build with libvmaf while encodes use the distribution's), with the VMAF model it loads and
 * whether VMAF really works with it (a two-frame comparison at start).
 *
 * @param ffmpeg the scoring FFmpeg as probed
 * @param separate whether it is another binary than the one that encodes
 * @param vmafModel a model file given with {@code --vmaf-model}; null: the build's built-in model
 * @param newVmafSyntax the libvmaf filter takes {@code model=} (libvmaf 2.x); else {@code
 *     model_path=} (1.x)
 * @param vmaf whether VMAF can be scored, and why not
 */
public record Scorer(
    FfmpegInfo ffmpeg, boolean separate, Path vmafModel, boolean newVmafSyntax, VmafCheck vmaf) {

  /**
   * The encoding FFmpeg scoring its own encodes, VMAF as its filter list says (not probed): what a
   * runner built without a probed scorer uses.
   */
  public static Scorer same(FfmpegInfo ffmpeg) {
    return new Scorer(
        ffmpeg,
        false,
        null,
        true,
        new VmafCheck(
            ffmpeg.libvmaf(),
            ffmpeg.libvmaf(),
            ffmpeg.libvmaf()
                ? null
                : "this FFmpeg has no libvmaf filter (FFmpeg must be built with --enable-libvmaf;"
                    + " Debian's build is not; a separate scorer can be given with"
                    + " --quality-ffmpeg PATH)"));
  }

  /**
   * Probes {@code scoring} (blocking): its version and filters, the libvmaf filter's option syntax
   * and a two-frame VMAF comparison with the model it would use.
   */
  public static Scorer probe(FfmpegInfo encoding, FfmpegInfo scoring, Path vmafModel) {
    boolean separate = !encoding.binary().equals(scoring.binary());
    if (!scoring.libvmaf()) {
      return new Scorer(
          scoring,
          separate,
          vmafModel,
          true,
          new VmafCheck(
              false,
              false,
              "the scoring FFmpeg ("
                  + scoring.version()
                  + ") has no libvmaf filter (built without --enable-libvmaf); give one that has"
                  + " it with --quality-ffmpeg PATH; PSNR and SSIM are still computed"));
    }
    boolean newSyntax = EncoderProbe.vmafTakesModel(scoring.binary());
    String options = modelOptions(newSyntax, vmafModel);
    VmafCheck probed = EncoderProbe.vmaf(scoring.binary(), options);
    VmafCheck check =
        probed.works()
            ? probed
            : new VmafCheck(
                true,
                false,
                "libvmaf is listed but could not score two frames with "
                    + modelLabel(newSyntax, vmafModel)
                    + " ("
                    + probed.reason()
                    + "); "
                    + (vmafModel == null
                        ? "this build needs a model file: give it with --vmaf-model PATH"
                        : "check that --vmaf-model names a model this libvmaf reads ("
                            + (newSyntax ? ".json" : ".pkl with its .pkl.model beside it")
                            + ")"));
    return new Scorer(scoring, separate, vmafModel, newSyntax, check);
  }

  /** The libvmaf filter's model options, e.g. {@code model=version=vmaf_v0.6.1}; may be empty. */
  static String modelOptions(boolean newSyntax, Path model) {
    if (model == null) {
      return newSyntax ? "model=version=" + FfmpegCommand.VMAF_MODEL : "";
    }
    return (newSyntax ? "model=path=" : "model_path=") + model;
  }

  /** What the model options give libvmaf, for {@link #modelOptions}. */
  public String vmafModelOptions() {
    return modelOptions(newVmafSyntax, vmafModel);
  }

  /** The model as recorded with each score: the file given, or the built-in version. */
  public String vmafModelName() {
    return modelLabel(newVmafSyntax, vmafModel);
  }

  private static String modelLabel(boolean newSyntax, Path model) {
    if (model != null) {
      return model.toString();
    }
    return newSyntax ? FfmpegCommand.VMAF_MODEL : "the build's default model path";
  }

  public String binary() {
    return ffmpeg.binary();
  }

  /** The result's {@code quality.scorer}, the node snapshot's and doctor's. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("binary", ffmpeg.binary())
        .put("version", ffmpeg.version())
        .put("separate", separate)
        .put("libvmaf", vmaf.listed())
        .put("vmaf_works", vmaf.works())
        .put("vmaf_model", vmaf.listed() ? vmafModelName() : null)
        .put("vmaf_reason", vmaf.reason());
  }

  /**
   * Characters that would end a filter option or graph: a {@code --vmaf-model} path holding one is
   * refused at start rather than escaped.
   */
  public static final List<Character> FILTER_SPECIALS =
      List.of(':', ',', ';', '[', ']', '\'', '\\', '=', ' ');
}
