package io.ffrtmp.support;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Free ports and installed tools, as the live tests need them. */
public final class LocalPorts {

  private LocalPorts() {}

  /**
   * A free port whose next port is free too: the embedded RTMP server's statistics page takes port
   * + 1.
   */
  public static int freePortPair() throws IOException {
    for (int i = 0; i < 50; i++) {
      int p;
      try (ServerSocket s = new ServerSocket(0)) {
        p = s.getLocalPort();
      }
      if (p < 65535 && canBind(p) && canBind(p + 1)) {
        return p;
      }
    }
    throw new IOException("no two adjacent free ports");
  }

  public static boolean canBind(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether an executable of that name is on the PATH. */
  public static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
