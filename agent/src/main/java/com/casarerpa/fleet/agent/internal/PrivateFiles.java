package com.casarerpa.fleet.agent.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Folders and files only this user may read: the data folder and its journal hold log lines and the
 * lock names the process. On POSIX file systems folders are created {@code 0700} and files {@code
 * 0600} whatever the umask; elsewhere (Windows) the platform's defaults apply, since the user
 * profile's ACLs already keep other users out.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /** True when {@code fs} understands POSIX permissions. */
  public static boolean posix(FileSystem fs) {
    return fs.supportedFileAttributeViews().contains("posix");
  }

  /** Creates {@code dir} (and missing parents) and makes {@code dir} itself {@code 0700}. */
  public static Path directory(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (posix(dir.getFileSystem())) {
      Files.setPosixFilePermissions(dir, DIR);
    }
    return dir;
  }

  /** Opens {@code file}; a file this call creates is {@code 0600}, an existing one is narrowed. */
  public static FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
    if (!posix(file.getFileSystem())) {
      return FileChannel.open(file, options);
    }
    FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE);
    FileChannel channel = FileChannel.open(file, options, mode);
    Files.setPosixFilePermissions(file, FILE);
    return channel;
  }

  /** Writes {@code text} to {@code file} ({@code 0600}), replacing what was there. */
  public static void write(Path file, String text) throws IOException {
    try (FileChannel channel =
        open(
            file,
            Set.of(
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING))) {
      java.nio.ByteBuffer buffer =
          java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    }
  }

  /** True when group or others may read {@code file} (always false off POSIX). */
  public static boolean readableByOthers(Path file) throws IOException {
    if (!posix(file.getFileSystem())) {
      return false;
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    return mode.contains(PosixFilePermission.GROUP_READ)
        || mode.contains(PosixFilePermission.OTHERS_READ);
  }
}
