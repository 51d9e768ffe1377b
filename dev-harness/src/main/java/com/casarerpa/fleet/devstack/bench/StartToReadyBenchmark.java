package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Start-to-ready of the local stack: from {@code LocalStack.start} until a REST call answers, for a
 * fresh ephemeral database (initdb + bootstrap + migrations) and for a restart on an existing data
 * folder. Args: {@code [rounds (default 3)]}.
 */
public final class StartToReadyBenchmark {
  private StartToReadyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    List<Long> fresh = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      fresh.add(timeToReady(StackSettings.ephemeral()));
    }
    Path data = Files.createTempDirectory("devstack-bench-data");
    StackSettings kept = StackSettings.ephemeral().withDataDirectory(data);
    long firstWithData = timeToReady(kept);
    List<Long> restart = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      restart.add(timeToReady(kept));
    }
    BenchResults.record(
        String.format(
            "start-to-ready cores=%d ephemeral(initdb)=%s ms; data-folder first=%d ms, restart=%s ms",
            Runtime.getRuntime().availableProcessors(), fresh, firstWithData, restart));
  }

  private static long timeToReady(StackSettings settings) throws Exception {
    long start = System.nanoTime();
    try (LocalStack stack = LocalStack.start(settings)) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(stack.url() + "/rest/v1/rpc/nothing"))
                      .header("apikey", stack.anonKey())
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 404) {
        throw new IllegalStateException("unexpected " + response.statusCode());
      }
      return (System.nanoTime() - start) / 1_000_000;
    }
  }
}
