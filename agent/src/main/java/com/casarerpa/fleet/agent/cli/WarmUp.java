package com.casarerpa.fleet.agent.cli;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.internal.NamedThreads;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;

/**
 * Start-up on two cores: while the main thread parses the command line, configures logging and
 * reads the settings, thread {@code agent-warmup-1} loads and initialises the libraries the daemon
 * needs right after (Jackson with its java.time module, the Prometheus registry, OkHttp), about
 * 1,000 classes that the main thread would otherwise load one after the other before it can
 * register. It builds throwaway objects only: nothing it makes is used, and a failure here is
 * ignored (the main thread meets the same failure and reports it). Measured: BENCHMARKS.md,
 * footprint.
 */
final class WarmUp {
  private WarmUp() {}

  /** Starts the warm-up for the daemon ({@code run}); returns at once. */
  static void start() {
    new NamedThreads("agent-warmup", true).newThread(WarmUp::run).start();
  }

  private static void run() {
    try {
      Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode().put("at", "start"));
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT).close();
      // cleartext: warming up TLS would load the trust store even for an http:// backend
      new OkHttpClient.Builder()
          .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
          .callTimeout(Duration.ofSeconds(1))
          .build();
    } catch (Exception | LinkageError e) {
      // the main thread loads the same classes and reports what is wrong
    }
  }
}
