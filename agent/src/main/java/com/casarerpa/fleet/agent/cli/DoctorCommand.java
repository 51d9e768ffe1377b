package com.casarerpa.fleet.agent.cli;

import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.config.ConfigException;
import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.supabase.ChannelOptions;
import com.casarerpa.fleet.agent.supabase.RealtimeChannel;
import com.casarerpa.fleet.agent.supabase.RealtimeClient;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.RobotKeyRejected;
import com.casarerpa.fleet.agent.supabase.RpcRejected;
import com.casarerpa.fleet.agent.supabase.SupabaseException;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code casare-agent doctor}: checks what a robot needs, in order, and says what to fix. Touches
 * nothing: the key check claims zero jobs.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check configuration, reachability, robot key, clock skew and Realtime; say what to fix.",
      "",
      "Exit code 0 when every check passes, 1 otherwise. Nothing is written to the fleet."
    })
final class DoctorCommand implements Callable<Integer> {
  static final Duration MAX_SKEW = Duration.ofSeconds(5);

  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  private PrintWriter out;
  private int failures;

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    AgentConfig config;
    try {
      config = options.read();
      pass("configuration", config.describe());
    } catch (ConfigException e) {
      e.problems().forEach(p -> fail("configuration", p));
      return 1;
    }
    OkHttpClient http = SupabaseRest.httpClient(config.httpTimeout(), 1, config.supabaseUrl());
    SupabaseRest rest =
        new SupabaseRest(http, config.supabaseUrl(), config.anonKey(), config.robotApiKey());
    if (reachable(rest, config)) {
      clockSkew(rest);
      robotKey(rest);
      realtime(http, config);
    }
    http.dispatcher().executorService().shutdown();
    out.println(failures == 0 ? "all checks passed" : failures + " check(s) failed");
    out.flush();
    return failures == 0 ? 0 : 1;
  }

  private boolean reachable(SupabaseRest rest, AgentConfig config) {
    long start = System.nanoTime();
    try {
      int status = rest.probe();
      long ms = (System.nanoTime() - start) / 1_000_000;
      pass(
          "reachability",
          config.supabaseUrl() + "/rest/v1/ answered HTTP " + status + " in " + ms + " ms");
      return true;
    } catch (SupabaseException e) {
      fail(
          "reachability",
          "nothing answers at "
              + config.supabaseUrl()
              + " ("
              + e.getMessage()
              + "); check SUPABASE_URL, DNS, proxy and firewall");
      return false;
    }
  }

  private void clockSkew(SupabaseRest rest) {
    var serverDate = rest.lastServerDate();
    if (serverDate.isEmpty()) {
      pass("clock", "the server sent no Date header; skew not measured");
      return;
    }
    Duration skew = Duration.between(Instant.now(), serverDate.get()).abs();
    if (skew.compareTo(MAX_SKEW) > 0) {
      fail(
          "clock",
          "this machine's clock is "
              + skew.toSeconds()
              + " s off the server's; enable time sync (NTP/chrony, or w32time on Windows)");
    } else {
      pass("clock", "skew under " + MAX_SKEW.toSeconds() + " s (HTTP Date, 1 s resolution)");
    }
  }

  private void robotKey(SupabaseRest rest) {
    try {
      rest.rpc("claim_jobs", Map.of("p_limit", 0), RetryPolicy.ONCE);
      pass("robot key", "accepted");
    } catch (RobotKeyRejected e) {
      fail(
          "robot key",
          "rejected ("
              + e.getMessage()
              + "); the key is unknown, revoked or expired: create a new one and set ROBOT_API_KEY");
    } catch (RpcRejected e) {
      pass("robot key", "accepted (claim_jobs answered " + e.status() + " to a zero-job claim)");
    } catch (SupabaseException e) {
      fail("robot key", "could not be checked: " + e.getMessage());
    }
  }

  private void realtime(OkHttpClient http, AgentConfig config) {
    RealtimeClient client =
        new RealtimeClient(
            http,
            config.supabaseUrl(),
            config.anonKey(),
            RealtimeClient.HEARTBEAT_INTERVAL,
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2)));
    RealtimeChannel channel = client.channel("robot-fleet", new ChannelOptions(null, false));
    client.start();
    Instant end = Instant.now().plus(RealtimeClient.JOIN_TIMEOUT);
    try {
      while (!channel.isJoined() && Instant.now().isBefore(end)) {
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (channel.isJoined()) {
      pass("realtime", "joined robot-fleet over " + config.supabaseUrl() + "/realtime/v1");
    } else {
      fail(
          "realtime",
          "could not join robot-fleet within "
              + RealtimeClient.JOIN_TIMEOUT.toSeconds()
              + " s; check that Realtime is enabled and that WebSockets pass the proxy");
    }
    client.stop(Duration.ofSeconds(2));
  }

  private void pass(String check, String detail) {
    out.println("ok    " + check + ": " + detail);
  }

  private void fail(String check, String problem) {
    failures++;
    out.println("FAIL  " + check + ": " + problem);
  }
}
