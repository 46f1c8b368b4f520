package io.ffrtmp.cli.client;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ffrtmp ui}: a single-use login link to the master's web UI for the credential in use,
 * opened in the desktop's browser when there is one, and printed. The code rides in the link's
 * fragment, which browsers never send to a server; the page exchanges it for a token of its own at
 * once and takes it out of the address bar.
 */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description = {
      "Open the web UI with a single-use login link (valid 2 minutes) for your credential.",
      "The link is printed too; without a desktop, paste it into a browser."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:server error",
      "2:bad input",
      "3:cannot connect",
      "4:not authenticated or not allowed"
    })
public final class UiCommand extends ClientCommand {

  @Option(names = "--no-open", description = "Only print the link; do not start a browser.")
  boolean noOpen;

  @Override
  int run(ApiClient api) throws ClientException {
    JsonObject link = api.post("api/v1/login-links", null);
    String server = options.server().replaceAll("/+$", "");
    String url = server + link.getString("path");
    if (json()) {
      out.println(link.copy().put("url", url).encodePrettily());
      return EXIT_OK;
    }
    out.println(url);
    err.println("login link: single use, valid until " + link.getString("expires_at"));
    if (!noOpen) {
      err.println(open(url));
    }
    return EXIT_OK;
  }

  /**
   * Hands the link to the desktop's opener ({@code xdg-open}, an argument, never a shell) when a
   * display is there; says what happened.
   */
  static String open(String url) {
    boolean display = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
    Path opener = onPath("xdg-open");
    if (!display || opener == null) {
      return "no desktop to open it on (no DISPLAY or xdg-open): open the link in a browser";
    }
    try {
      new ProcessBuilder(List.of(opener.toString(), url))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      return "opened in the desktop's browser";
    } catch (IOException e) {
      return "could not start " + opener + " (" + e.getMessage() + "): open the link in a browser";
    }
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
