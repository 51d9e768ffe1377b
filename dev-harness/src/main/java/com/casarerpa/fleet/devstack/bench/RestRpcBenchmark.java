package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.migrate.MigrationRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;

/**
 * REST RPC round trip ({@code POST /rest/v1/rpc/bench_add} through the gateway, one transaction
 * with the role and GUCs set) versus the same SQL function called over one JDBC connection.
 * Sequential calls on one keep-alive HTTP connection; prints mean/p50/p99 and the overhead ratio.
 *
 * <p>Args: {@code [calls (default 2000)]}.
 */
public final class RestRpcBenchmark {
  private RestRpcBenchmark() {}

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    try (LocalStack stack = LocalStack.start(StackSettings.ephemeral())) {
      new MigrationRunner(stack.context().adminPool())
          .execute(
              "bench function",
              """
              CREATE FUNCTION public.bench_add(a int, b int) RETURNS int
              LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;
              GRANT EXECUTE ON FUNCTION public.bench_add(int, int) TO anon;
              """);
      long[] rest = rest(stack, calls);
      long[] jdbc = jdbc(stack, calls);
      double ratioMean = mean(rest) / mean(jdbc);
      double ratioP50 = (double) median(rest) / median(jdbc);
      BenchResults.record(
          String.format(
              "rest-rpc calls=%d cores=%d REST[%s] JDBC[%s] overhead mean=%.1fx p50=%.1fx",
              calls,
              Runtime.getRuntime().availableProcessors(),
              BenchResults.summary(rest),
              BenchResults.summary(jdbc),
              ratioMean,
              ratioP50));
    }
  }

  private static long[] rest(LocalStack stack, int calls) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(stack.url() + "/rest/v1/rpc/bench_add"))
            .header("apikey", stack.anonKey())
            .header("Authorization", "Bearer " + stack.anonKey())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"a\":20,\"b\":22}"))
            .build();
    for (int i = 0; i < Math.min(500, calls); i++) {
      check(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      nanos[i] = System.nanoTime() - start;
      check(body);
    }
    return nanos;
  }

  private static long[] jdbc(LocalStack stack, int calls) throws Exception {
    long[] nanos = new long[calls];
    try (Connection c = stack.context().database().superuserDataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT public.bench_add(?, ?)")) {
      for (int i = 0; i < Math.min(500, calls) + calls; i++) {
        long start = System.nanoTime();
        s.setInt(1, 20);
        s.setInt(2, 22);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          check(Integer.toString(rs.getInt(1)));
        }
        int measured = i - Math.min(500, calls);
        if (measured >= 0) {
          nanos[measured] = System.nanoTime() - start;
        }
      }
    }
    return nanos;
  }

  private static void check(String body) {
    if (!"42".equals(body.strip())) {
      throw new IllegalStateException("unexpected answer: " + body);
    }
  }

  private static double mean(long[] nanos) {
    return Arrays.stream(nanos).average().orElse(0);
  }

  private static long median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return BenchResults.percentile(sorted, 50);
  }
}
