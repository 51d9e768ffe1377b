package com.casarerpa.fleet.devstack.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stack JVM killed with -9: its PostgreSQL dies with it (the watchdog), and where no watchdog ran
 * the next start reaps it.
 */
class OrphanReaperTest {
  /** The child: starts an ephemeral database, says so, and waits to be killed. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      EmbeddedDatabase db = EmbeddedDatabase.startEphemeral();
      System.out.println("READY " + db.port());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void a_database_dies_with_its_killed_jvm_and_its_folder_is_removed() throws Exception {
    OrphanReaper.Owned orphan = startAndKillChild(true);
    ProcessHandle postmaster = ProcessHandle.of(orphan.postmasterPid()).orElse(null);
    // no other stack starts here: the watchdog alone stops the server
    await().atMost(Duration.ofSeconds(30)).until(() -> postmaster == null || !postmaster.isAlive());
    await().atMost(Duration.ofSeconds(15)).until(() -> !Files.exists(orphan.dataDirectory()));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                OrphanReaper.standard().records().stream()
                    .noneMatch(o -> o.postmasterPid() == orphan.postmasterPid()));
  }

  @Test
  void a_database_left_by_a_killed_jvm_is_stopped_and_its_folder_removed() throws Exception {
    OrphanReaper.Owned orphan = startAndKillChild(false);
    ProcessHandle postmaster = ProcessHandle.of(orphan.postmasterPid()).orElseThrow();
    assertThat(postmaster.isAlive()).as("orphaned by the kill").isTrue();
    assertThat(Files.isDirectory(orphan.dataDirectory())).isTrue();

    try (EmbeddedDatabase next = EmbeddedDatabase.startEphemeral()) {
      assertThat(next.port()).isPositive();
      await().atMost(Duration.ofSeconds(15)).until(() -> !postmaster.isAlive());
      assertThat(Files.exists(orphan.dataDirectory())).as("ephemeral folder removed").isFalse();
      assertThat(OrphanReaper.standard().records())
          .noneMatch(o -> o.postmasterPid() == orphan.postmasterPid());
      assertThat(OrphanReaper.standard().records())
          .as("the new one is recorded as ours")
          .anyMatch(o -> o.jvmPid() == ProcessHandle.current().pid());
    }
    assertThat(OrphanReaper.standard().records())
        .noneMatch(o -> o.jvmPid() == ProcessHandle.current().pid());
  }

  /** Starts a child JVM with a database (with or without its watchdog), then kills it with -9. */
  private static OrphanReaper.Owned startAndKillChild(boolean watchdog) throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Ddevstack.db-watchdog=" + watchdog,
                "-cp",
                System.getProperty("java.class.path"),
                Child.class.getName())
            .redirectErrorStream(true)
            .start();
    OrphanReaper.Owned orphan;
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("READY")) {
        // the child's start-up log
      }
      assertThat(line).as("the child started its database").startsWith("READY");
      List<OrphanReaper.Owned> owned =
          OrphanReaper.standard().records().stream()
              .filter(o -> o.jvmPid() == child.pid())
              .toList();
      assertThat(owned).hasSize(1);
      orphan = owned.get(0);
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook runs
      child.waitFor();
    }
    return orphan;
  }
}
