package io.ffrtmp.worker.engine;

import io.ffrtmp.job.Encoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A shell script that answers ffrtmp's probes as an FFmpeg build would: {@code -version} with a
 * configure line, the {@code -encoders} and {@code -filters} listings, the one-frame encode probes
 * and the two-frame libvmaf run. The test chooses which encoders are listed and which of them work,
 * so it states the machine instead of finding it.
 */
public final class FakeFfmpeg {

  public static final String VERSION = "ffmpeg version 7.1-fake";

  /**
   * Listed encoders; the value is the line a failing one logs, null for one whose probe encode
   * works.
   */
  private final Map<Encoder, String> listed = new EnumMap<>(Encoder.class);

  private boolean vmafListed;
  private String vmafError;

  /** Listed, and a one-frame encode with them succeeds. */
  public FakeFfmpeg works(Encoder... encoders) {
    for (Encoder e : encoders) {
      listed.put(e, null);
    }
    return this;
  }

  /**
   * Listed, but the probe encode fails with {@code error} logged by the encoder, as without the
   * device.
   */
  public FakeFfmpeg fails(Encoder encoder, String error) {
    listed.put(encoder, error);
    return this;
  }

  /** libvmaf is among the filters and scores. */
  public FakeFfmpeg vmaf() {
    vmafListed = true;
    vmafError = null;
    return this;
  }

  /**
   * libvmaf is among the filters, but the scoring run fails with {@code error} (a model it cannot
   * load).
   */
  public FakeFfmpeg vmafFails(String error) {
    vmafListed = true;
    vmafError = error;
    return this;
  }

  /**
   * The configure switches this build was made with: one per listed software encoder's library, and
   * libvmaf.
   */
  public List<String> configureFlags() {
    List<String> flags = new ArrayList<>(List.of("--prefix=/usr", "--enable-gpl"));
    listed.keySet().stream()
        .filter(e -> e.hardware() == Encoder.Hardware.NONE)
        .map(e -> "--enable-" + e.ffmpegName().replaceFirst("-.*", ""))
        .forEach(flags::add);
    if (vmafListed) {
      flags.add("--enable-libvmaf");
    }
    return flags;
  }

  /**
   * Writes the script as {@code dir/ffmpeg} and returns its path, to be given where a binary is
   * expected.
   */
  public Path writeTo(Path dir) throws IOException {
    StringBuilder sh =
        new StringBuilder("#!/bin/sh\n# Written by FakeFfmpeg (a test): answers ffrtmp's probes.\n")
            .append("case \" $* \" in\n")
            .append("  *\" -version \"*)\n")
            .append(echo(VERSION + " Copyright (c) 2000-2024 the FFmpeg developers"))
            .append(echo("built with gcc 14"))
            .append(echo("configuration: " + String.join(" ", configureFlags())))
            .append("    exit 0 ;;\n")
            .append("  *\" -encoders \"*)\n")
            .append(echo("Encoders:"))
            .append(echo(" V..... = Video"))
            .append(echo(" ------"));
    listed
        .keySet()
        .forEach(
            e ->
                sh.append(
                    echo(
                        String.format(
                            " V....D %-20s %s (codec %s)",
                            e.ffmpegName(), e.name(), e.codec().id()))));
    sh.append("    exit 0 ;;\n")
        .append("  *\" -filters \"*)\n")
        .append(echo("Filters:"))
        .append(echo("  T.. = Timeline support"))
        .append(
            echo(" TS. psnr              VV->V      Calculate the PSNR between two video streams."))
        .append(
            echo(
                " TS. ssim              VV->V      Calculate the SSIM between two video streams."));
    if (vmafListed) {
      sh.append(
          echo(" ... libvmaf           VV->V      Calculate the VMAF between two video streams."));
    }
    sh.append("    exit 0 ;;\n")
        .append("  *libvmaf=*)\n")
        .append(
            vmafError == null
                ? echo("[Parsed_libvmaf_0 @ 0x55d0c0ffee00] VMAF score: 97.428043")
                    + "    exit 0 ;;\n"
                : echo("[Parsed_libvmaf_0 @ 0x55d0c0ffee00] " + vmafError)
                    + echo("Conversion failed!")
                    + "    exit 1 ;;\n")
        .append("esac\n")
        // Anything else is an encode probe: the encoder is the argument after -c:v.
        .append("encoder=\nprevious=\nfor arg in \"$@\"; do\n")
        .append("  if [ \"$previous\" = \"-c:v\" ]; then encoder=$arg; fi\n  previous=$arg\ndone\n")
        .append("case \"$encoder\" in\n");
    listed.forEach(
        (e, error) ->
            sh.append("  ")
                .append(e.ffmpegName())
                .append(")\n")
                .append(
                    error == null
                        ? "    exit 0 ;;\n"
                        : echo("[" + e.ffmpegName() + " @ 0x55d0c0ffee00] " + error)
                            + echo("Conversion failed!")
                            + "    exit 1 ;;\n"));
    sh.append("esac\necho \"Unknown encoder '$encoder'\"\nexit 1\n");
    Path script = dir.resolve("ffmpeg");
    Files.writeString(script, sh);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private static String echo(String line) {
    return "    echo '" + line.replace("'", "'\\''") + "'\n";
  }
}
