package io.ffrtmp.node;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * A node's id, made once and kept in its data directory ({@code node-id}), and a lock on {@code
 * node.lock} that this process holds while it runs: a second process on the same data directory is
 * refused at once. (Two machines with copies of one data directory are caught by the master, which
 * lets one live process register an id.)
 */
public final class NodeIdentity implements AutoCloseable {

  /** Another process holds the data directory. */
  public static final class InUseException extends Exception {
    InUseException(String message) {
      super(message);
    }
  }

  private final String id;
  private final FileChannel channel;
  private final FileLock lock;

  private NodeIdentity(String id, FileChannel channel, FileLock lock) {
    this.id = id;
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks the data directory and reads (or makes) the node id. */
  public static NodeIdentity acquire(Path dataDir) throws IOException, InUseException {
    Files.createDirectories(dataDir);
    FileChannel ch =
        FileChannel.open(
            dataDir.resolve("node.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw new InUseException(
          "another ffrtmp process is using the data directory "
              + dataDir
              + " (node id "
              + readId(dataDir)
              + "); stop it, or give this node its own --data-dir");
    }
    return new NodeIdentity(id(dataDir), ch, lock);
  }

  public String id() {
    return id;
  }

  /** The node id kept in the data directory, made on first use: host name and a random suffix. */
  static String id(Path dataDir) throws IOException {
    Path file = dataDir.resolve("node-id");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    String host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "-");
    String id = host + "-" + UUID.randomUUID().toString().substring(0, 8);
    Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
    return id;
  }

  private static String readId(Path dataDir) {
    try {
      return Files.readString(dataDir.resolve("node-id"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The process is ending; the lock goes with it.
    }
  }
}
