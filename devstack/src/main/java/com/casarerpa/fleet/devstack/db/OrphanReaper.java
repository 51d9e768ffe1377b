package com.casarerpa.fleet.devstack.db;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedded PostgreSQL servers whose stack JVM died without stopping them ({@code kill -9}, a crash,
 * OOM) would run on for ever. Each started server leaves a record in the state folder ({@code
 * <tmp>/casare-devstack-state/<postmaster pid>.properties}: owning JVM pid, data folder, whether
 * the folder is ephemeral); the next start of any stack reaps the servers whose JVM is gone
 * (postmaster stopped, ephemeral folder deleted, record removed). A clean stop removes its record.
 *
 * <p>Where a POSIX shell exists, the database also dies with its JVM: {@link #register} starts a
 * small watchdog ({@code /bin/sh}, outside the JVM) that waits for the JVM to exit and then does
 * what a reap does, but only while the record is still there (a clean stop removed it) and only if
 * the process is still a {@code postgres}. Disable with {@code -Ddevstack.db-watchdog=false}.
 */
public final class OrphanReaper {
  private static final Logger log = LoggerFactory.getLogger(OrphanReaper.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  /** One server's record. */
  public record Owned(long postmasterPid, long jvmPid, Path dataDirectory, boolean ephemeral) {}

  private final Path stateFolder;

  public OrphanReaper(Path stateFolder) {
    this.stateFolder = stateFolder;
  }

  /** The state folder every stack on this machine (same temp folder) shares. */
  public static OrphanReaper standard() {
    return new OrphanReaper(Path.of(System.getProperty("java.io.tmpdir"), "casare-devstack-state"));
  }

  public Path stateFolder() {
    return stateFolder;
  }

  /** Records that this JVM owns the server {@code postmasterPid} running in {@code dataDir}. */
  public void register(long postmasterPid, Path dataDir, boolean ephemeral) throws IOException {
    Files.createDirectories(stateFolder);
    Properties p = new Properties();
    p.setProperty("jvm", Long.toString(ProcessHandle.current().pid()));
    p.setProperty("data", dataDir.toAbsolutePath().toString());
    p.setProperty("ephemeral", Boolean.toString(ephemeral));
    Path tmp = stateFolder.resolve(postmasterPid + ".tmp");
    try (var out = Files.newOutputStream(tmp)) {
      p.store(out, "casare devstack: embedded PostgreSQL owned by a JVM");
    }
    Files.move(
        tmp,
        stateFolder.resolve(postmasterPid + ".properties"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    if (Boolean.parseBoolean(System.getProperty("devstack.db-watchdog", "true"))) {
      startWatchdog(postmasterPid, dataDir, ephemeral);
    }
  }

  /**
   * A detached shell that outlives a killed JVM: once the JVM is gone and the server's record is
   * still there, it stops the server (SIGTERM, then SIGKILL after 10 s), removes an ephemeral
   * folder and the record.
   */
  private void startWatchdog(long postmasterPid, Path dataDir, boolean ephemeral) {
    Path sh = Path.of("/bin/sh");
    if (!Files.isExecutable(sh) || !Files.isDirectory(Path.of("/proc"))) {
      return; // the next start's reap() still cleans up
    }
    String script =
        """
        jvm="$1"; pg="$2"; record="$3"; data="$4"; ephemeral="$5"
        while kill -0 "$jvm" 2>/dev/null; do sleep 1; done
        [ -f "$record" ] || exit 0
        if [ "$(cat "/proc/$pg/comm" 2>/dev/null)" = postgres ]; then
          kill -TERM "$pg" 2>/dev/null
          i=0
          while kill -0 "$pg" 2>/dev/null && [ "$i" -lt 10 ]; do sleep 1; i=$((i + 1)); done
          kill -KILL "$pg" 2>/dev/null
        fi
        if [ "$ephemeral" = true ]; then rm -rf -- "$data"; fi
        rm -f -- "$record"
        """;
    try {
      new ProcessBuilder(
              sh.toString(),
              "-c",
              script,
              "casare-devstack-db-watchdog",
              Long.toString(ProcessHandle.current().pid()),
              Long.toString(postmasterPid),
              stateFolder.resolve(postmasterPid + ".properties").toAbsolutePath().toString(),
              dataDir.toAbsolutePath().toString(),
              Boolean.toString(ephemeral))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      log.debug("no watchdog for postmaster {}: {}", postmasterPid, e.toString());
    }
  }

  /** Forgets the record of a server this JVM stopped. */
  public void unregister(long postmasterPid) {
    try {
      Files.deleteIfExists(stateFolder.resolve(postmasterPid + ".properties"));
    } catch (IOException e) {
      log.debug("could not remove the record of postmaster {}: {}", postmasterPid, e.toString());
    }
  }

  /** Every record in the state folder. */
  public List<Owned> records() {
    List<Owned> found = new ArrayList<>();
    if (!Files.isDirectory(stateFolder)) {
      return found;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(stateFolder, "*.properties")) {
      for (Path file : files) {
        read(file).ifPresent(found::add);
      }
    } catch (IOException e) {
      log.debug("cannot list {}: {}", stateFolder, e.toString());
    }
    return found;
  }

  /** Stops and cleans up every server whose owning JVM is gone; returns what was reaped. */
  public List<Owned> reap() {
    List<Owned> reaped = new ArrayList<>();
    for (Owned owned : records()) {
      if (ProcessHandle.of(owned.jvmPid()).map(ProcessHandle::isAlive).orElse(false)) {
        continue;
      }
      ProcessHandle.of(owned.postmasterPid())
          .filter(OrphanReaper::isPostgres)
          .ifPresent(OrphanReaper::stop);
      if (owned.ephemeral()) {
        deleteTree(owned.dataDirectory());
      }
      unregister(owned.postmasterPid());
      log.warn(
          "reaped embedded PostgreSQL {} left by dead JVM {} ({}{})",
          owned.postmasterPid(),
          owned.jvmPid(),
          owned.dataDirectory(),
          owned.ephemeral() ? ", deleted" : ", kept");
      reaped.add(owned);
    }
    return reaped;
  }

  private static boolean isPostgres(ProcessHandle p) {
    return p.isAlive()
        && p.info()
            .command()
            .map(c -> Path.of(c).getFileName().toString().startsWith("postgres"))
            .orElse(true);
  }

  private static void stop(ProcessHandle postmaster) {
    postmaster.destroy(); // SIGTERM: smart shutdown; its clients died with their JVM
    try {
      postmaster.onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      postmaster.destroyForcibly();
    }
  }

  private Optional<Owned> read(Path file) {
    String name = file.getFileName().toString();
    try (var in = Files.newInputStream(file)) {
      Properties p = new Properties();
      p.load(in);
      return Optional.of(
          new Owned(
              Long.parseLong(name.substring(0, name.indexOf('.'))),
              Long.parseLong(p.getProperty("jvm")),
              Path.of(p.getProperty("data")),
              Boolean.parseBoolean(p.getProperty("ephemeral"))));
    } catch (IOException | RuntimeException e) {
      log.debug("ignoring unreadable record {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
