package com.casarerpa.fleet.agent.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;

/**
 * One agent per data folder: an OS file lock on {@code agent.lock} (released by the OS when the
 * process dies, so a {@code kill -9} leaves nothing to clean up) and the holder's PID in {@code
 * agent.pid}, so that a second agent can say who holds the folder.
 */
public final class DataDirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;
  private final Path pidFile;

  private DataDirLock(FileChannel channel, FileLock lock, Path pidFile) {
    this.channel = channel;
    this.lock = lock;
    this.pidFile = pidFile;
  }

  /** Why the folder could not be locked. */
  public static final class Held extends Exception {
    private static final long serialVersionUID = 1L;

    private final String holder;

    Held(String holder) {
      super("held by " + holder);
      this.holder = holder;
    }

    /** "PID 1234", or "an unknown process" when the PID file is missing. */
    public String holder() {
      return holder;
    }
  }

  /**
   * Creates {@code dir} ({@code 0700}) and locks it for this process.
   *
   * @throws Held when another agent (another process, or another agent in this JVM) holds it
   * @throws IOException when the folder cannot be created or written
   */
  public static DataDirLock acquire(Path dir) throws IOException, Held {
    PrivateFiles.directory(dir);
    Path pidFile = dir.resolve("agent.pid");
    FileChannel channel =
        PrivateFiles.open(
            dir.resolve("agent.lock"), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new Held(holder(pidFile).map(pid -> "PID " + pid).orElse("an unknown process"));
    }
    PrivateFiles.write(pidFile, ProcessHandle.current().pid() + "\n");
    return new DataDirLock(channel, lock, pidFile);
  }

  private static Optional<String> holder(Path pidFile) {
    try {
      String pid = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
      return pid.matches("\\d+") ? Optional.of(pid) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Releases the folder; idempotent. */
  @Override
  public void close() throws IOException {
    if (!channel.isOpen()) {
      return;
    }
    Files.deleteIfExists(pidFile);
    lock.release();
    channel.close();
  }
}
