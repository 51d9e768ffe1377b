package com.casarerpa.fleet.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.support.TestKeys;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * procrun's entry points: start() runs the agent until stop() is called from another thread, as
 * procrun does on a service stop. The backend here is a closed port, so the agent is still trying
 * to register when the stop comes: the stop must end the run with exit code 0 (start() returns
 * normally instead of ending the JVM).
 */
class WindowsServiceTest {
  @TempDir Path dir;

  @AfterEach
  void reset() {
    WindowsService.forget();
  }

  @Test
  void a_stop_right_after_start_ends_the_run_with_exit_code_0() throws Exception {
    String[] args = args();
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(() -> WindowsService.runHosted(args));

    // the stop may come before the agent exists; it must still end the run
    WindowsService.stop(new String[0]);

    assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void a_stop_while_the_agent_tries_to_register_ends_the_run_with_exit_code_0() throws Exception {
    String[] args = args();
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(() -> WindowsService.runHosted(args));
    await().atMost(Duration.ofSeconds(30)).until(WindowsService::hasAgent);
    assertThat(run).isNotDone();

    WindowsService.stop(new String[0]);

    assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
  }

  private String[] args() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    return new String[] {
      "--config",
      "/dev/null",
      "--supabase-url",
      "http://127.0.0.1:" + closedPort,
      "--set",
      "SUPABASE_ANON_KEY=" + TestKeys.ANON_KEY,
      "--set",
      "ROBOT_API_KEY=crpa_" + "a".repeat(43),
      "--data-dir",
      dir.toString(),
      "--ops-port",
      "off"
    };
  }
}
