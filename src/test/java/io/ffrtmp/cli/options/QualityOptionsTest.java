package io.ffrtmp.cli.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --quality-ffmpeg and --vmaf-model are operator paths, checked before a node starts. */
class QualityOptionsTest {

  @TempDir Path dir;

  private static String check(String... args) {
    QualityOptions o = new QualityOptions();
    new CommandLine(o).parseArgs(args);
    return o.check();
  }

  @Test
  void theScorerMustBeAnExecutableFile() throws Exception {
    assertThat(check()).isNull();
    assertThat(check("--quality-ffmpeg", dir.resolve("none").toString()))
        .startsWith("--quality-ffmpeg: ")
        .contains("does not exist");
    Path plain = Files.writeString(dir.resolve("ffmpeg"), "not a program");
    Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(check("--quality-ffmpeg", plain.toString())).contains("is not an executable file");
    assertThat(check("--quality-ffmpeg", dir.toString())).contains("is not an executable file");
    Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(check("--quality-ffmpeg", plain.toString())).isNull();
  }

  @Test
  void theModelMustBeAReadableFileTheFilterGraphCanCarry() throws Exception {
    assertThat(check("--vmaf-model", dir.resolve("none.pkl").toString()))
        .startsWith("--vmaf-model: ")
        .contains("is not a readable file");
    Path odd = Files.writeString(dir.resolve("a:b.pkl"), "model");
    assertThat(check("--vmaf-model", odd.toString()))
        .contains("holds ':'")
        .contains("would end a filter option");
    Path good = Files.writeString(dir.resolve("vmaf_v0.6.1.pkl"), "model");
    assertThat(check("--vmaf-model", good.toString())).isNull();
  }
}
