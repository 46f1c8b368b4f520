package io.ffrtmp.job;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A campaign axis over the clips of a folder ({@code "axes": {"input.path": {"folder": "clips"}}}):
 * the folder is found under the media roots of whoever takes the submission, and its video files
 * (by extension, not recursive, sorted by name) become the axis values, as paths relative to that
 * root. Blocking (file system).
 */
public final class ClipFolder {

  /** At most this many clips per folder, the same bound as any axis's list. */
  public static final int MAX_CLIPS = 100;

  /** What counts as a video file. */
  static final Set<String> EXTENSIONS =
      Set.of(
          "mp4", "m4v", "mkv", "webm", "mov", "avi", "ts", "mts", "m2ts", "mpg", "mpeg", "flv",
          "nut", "y4m", "ivf", "wmv", "3gp", "ogv");

  /** Lists a folder's clips, or refuses naming {@code field}. */
  @FunctionalInterface
  public interface Lister {
    List<String> clips(String field, String folder);
  }

  /** Where nothing can be listed: a folder axis is refused with where it would work. */
  public static final Lister NONE =
      (field, folder) -> {
        throw new SpecException(
            field,
            "a folder axis is listed against the media roots where the campaign is submitted"
                + " (bench --media-root DIR, or the API server's --media-root); accepted here:"
                + " a list of paths");
      };

  private ClipFolder() {}

  /** A lister over these media roots. */
  public static Lister in(List<Path> roots) {
    return (field, folder) -> list(roots, field, folder);
  }

  /**
   * The video files of {@code folder} in the first media root that has it, as paths relative to
   * that root, sorted.
   */
  public static List<String> list(List<Path> roots, String field, String folder) {
    if (folder == null
        || folder.isBlank()
        || folder.startsWith("/")
        || folder.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
        || Arrays.asList(folder.split("/")).contains("..")) {
      throw new SpecException(
          field,
          "'"
              + String.valueOf(folder).replaceAll("\\p{Cntrl}", "?")
              + "' is not accepted; accepted: a folder relative to a media root (e.g. clips):"
              + " not absolute, no '..', no control characters");
    }
    if (roots.isEmpty()) {
      throw new SpecException(
          field, "a folder of clips needs a media root (--media-root DIR); none is configured");
    }
    for (Path root : roots) {
      Path base = root.toAbsolutePath().normalize();
      Path dir = base.resolve(folder).normalize();
      if (!dir.startsWith(base) || !Files.isDirectory(dir)) {
        continue;
      }
      try {
        Path realBase = base.toRealPath();
        if (!dir.toRealPath().startsWith(realBase)) {
          throw new SpecException(
              field,
              "'"
                  + folder
                  + "' leads outside the media root "
                  + base
                  + " (through a symbolic link); accepted: a folder inside a media root");
        }
        List<String> clips = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
          for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.startsWith(".") || !isVideo(name) || !Files.isRegularFile(f)) {
              continue;
            }
            if (!f.toRealPath().startsWith(realBase)) {
              throw new SpecException(
                  field,
                  "'"
                      + folder
                      + "/"
                      + name
                      + "' leads outside the media root "
                      + base
                      + " (through a symbolic link); accepted: files inside a media root");
            }
            clips.add(base.relativize(dir.resolve(name)).toString());
          }
        }
        if (clips.isEmpty()) {
          throw new SpecException(
              field,
              "'"
                  + folder
                  + "' under "
                  + base
                  + " holds no video files; accepted: a folder with files ending in "
                  + String.join(", ", EXTENSIONS.stream().sorted().toList()));
        }
        if (clips.size() > MAX_CLIPS) {
          throw new SpecException(
              field,
              "'"
                  + folder
                  + "' holds "
                  + clips.size()
                  + " video files; accepted: at most "
                  + MAX_CLIPS
                  + " (split it into folders)");
        }
        clips.sort(null);
        return List.copyOf(clips);
      } catch (IOException e) {
        throw new SpecException(field, "'" + folder + "' cannot be listed: " + e.getMessage());
      }
    }
    throw new SpecException(
        field, "'" + folder + "' is not a folder under any media root (" + roots + ")");
  }

  static boolean isVideo(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
