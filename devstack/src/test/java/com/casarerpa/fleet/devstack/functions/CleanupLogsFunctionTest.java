package com.casarerpa.fleet.devstack.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** install/supabase/functions/cleanup-logs under Deno against the local stack. */
class CleanupLogsFunctionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static HttpResponse<String> call(LocalStack stack, String key, String body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(stack.url() + "/functions/v1/cleanup-logs"))
            .header("apikey", key)
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static Connection database(LocalStack stack) throws SQLException {
    return stack.context().adminPool().getConnection();
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String partition(LocalDate day) {
    return "robot_logs_" + day.toString().replace('-', '_');
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void dry_run_lists_old_partitions_a_real_run_drops_them_with_one_history_row_each_run()
      throws Exception {
    assertThat(DenoLocator.locate()).as("deno from npm (devstack/src/test/js)").isPresent();
    try (LocalStack stack = LocalStack.start(StackSettings.ephemeral());
        Connection db = database(stack)) {
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      LocalDate old1 = today.minusDays(45);
      LocalDate old2 = today.minusDays(40);
      LocalDate ahead = today.plusDays(3);
      try (Statement s = db.createStatement()) {
        for (LocalDate day : List.of(old1, old2)) {
          s.execute("SELECT create_robot_logs_partition('" + day + "')");
        }
      }
      String history = "SELECT count(*) FROM robot_logs_cleanup_history";
      long before = count(db, history);

      HttpResponse<String> dry =
          call(stack, stack.serviceRoleKey(), "{\"retention_days\": 30, \"dry_run\": true}");
      assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
      JsonNode dryBody = JSON.readTree(dry.body());
      assertThat(texts(dryBody.get("partitions_dropped")))
          .containsExactly(partition(old1), partition(old2));
      assertThat(dryBody.get("message").asText()).isEqualTo("Would drop 2 partition(s)");
      assertThat(
              count(db, "SELECT count(*) FROM pg_class WHERE relname = '" + partition(old1) + "'"))
          .as("a dry run drops nothing")
          .isEqualTo(1);
      assertThat(count(db, history)).as("a dry run records nothing").isEqualTo(before);

      HttpResponse<String> real = call(stack, stack.serviceRoleKey(), "{\"retention_days\": 30}");
      assertThat(real.statusCode()).as(real.body()).isEqualTo(200);
      assertThat(texts(JSON.readTree(real.body()).get("partitions_dropped")))
          .containsExactly(partition(old1), partition(old2));
      assertThat(
              count(
                  db,
                  "SELECT count(*) FROM pg_class WHERE relname IN ('"
                      + partition(old1)
                      + "', '"
                      + partition(old2)
                      + "')"))
          .isZero();
      assertThat(
              count(db, "SELECT count(*) FROM pg_class WHERE relname = '" + partition(ahead) + "'"))
          .as("partitions ahead are kept")
          .isEqualTo(1);
      assertThat(count(db, history)).as("one history row for the run").isEqualTo(before + 1);

      HttpResponse<String> again = call(stack, stack.serviceRoleKey(), "{\"retention_days\": 30}");
      assertThat(JSON.readTree(again.body()).get("message").asText())
          .isEqualTo("No partitions to clean up");
      assertThat(count(db, history))
          .as("one row per run, also when nothing went")
          .isEqualTo(before + 2);
    }
  }

  @Test
  void only_the_service_role_may_clean_up_and_bad_input_is_a_clear_400() throws Exception {
    try (LocalStack stack = LocalStack.start(StackSettings.ephemeral())) {
      HttpResponse<String> anon = call(stack, stack.anonKey(), "{\"retention_days\": 30}");
      assertThat(anon.statusCode()).isEqualTo(401);
      assertThat(anon.body()).contains("service role");
      String key = stack.serviceRoleKey();
      assertThat(call(stack, key, "{\"retention_days\": 0}").body())
          .contains("retention_days must be a whole number from 1 to 365, got 0");
      assertThat(call(stack, key, "{\"retention_days\": 366}").statusCode()).isEqualTo(400);
      assertThat(call(stack, key, "{\"retention_days\": \"30\"}").statusCode()).isEqualTo(400);
      assertThat(call(stack, key, "{\"dry_run\": \"yes\"}").body())
          .contains("dry_run must be true or false");
      HttpResponse<String> notJson = call(stack, key, "drop everything");
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(notJson.body()).contains("the body must be JSON");
    }
  }
}
